from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "goldenthread.notices"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from goldenthread.notices import events

        events.connect()
