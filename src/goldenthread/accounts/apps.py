from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goldenthread.accounts"
    verbose_name = "Accounts and memberships"

    def ready(self) -> None:
        from goldenthread.accounts import sessions, signin

        signin.connect()
        sessions.connect()
