"""A real worker (``goldenthread worker`` in a subprocess) and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldenthread.notices.mail import queue
from goldenthread.notices.models import Notification
from tests.notices.smtp import smtp_server
from tests.workers import running_worker, shared_database, wait_until


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_queued_e_mail_through_smtp(tmp_path):
    with shared_database(tmp_path) as url, smtp_server() as inbox:
        with running_worker(url, tmp_path, EMAIL_HOST=inbox.host, EMAIL_PORT=str(inbox.port)) as worker:
            person = get_user_model().objects.create_user("someone", email="someone@example.org")
            queue("test:1", Notification.Kind.SUBMITTED, person, "Hello", "Dear someone,\n\nHello.\n")
            wait_until(lambda: inbox.to("someone@example.org"), 60, "the e-mail arrived", worker)
            wait_until(
                lambda: Notification.objects.get(key="test:1").state == "sent", 30, "the row says sent", worker
            )
        assert [m["Subject"] for m in inbox.messages] == ["Hello"]
