from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "goldenthread.cycles"
    verbose_name = "Quarterly cycle"
