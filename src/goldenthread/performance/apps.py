from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "goldenthread.performance"
    verbose_name = "Performance data"
