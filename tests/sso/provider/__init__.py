"""A throwaway OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a
minimal Django project of its own (SQLite in a temporary folder, an RSA key made by the test),
served by ``python -m tests.sso.provider.serve`` on 127.0.0.1. Started by :mod:`.server`."""
