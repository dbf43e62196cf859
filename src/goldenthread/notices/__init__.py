"""Notices: e-mails the product sends by itself — on an update's submission, return and approval,
an action assigned or overdue, and reminders before and after each deadline — each sent once,
after the transaction that caused it commits, by the background worker (``goldenthread worker``).

``cycles`` knows nothing of this app: it listens to the cycle's records being saved (signals,
connected in :class:`~goldenthread.notices.apps.NoticesConfig`) and to a django-q2 schedule.
"""
