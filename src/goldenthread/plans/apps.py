from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _baselines(sender, **kwargs) -> None:
    """After every migration: each plan loaded before versions were kept gets its baseline, so
    every plan has a version 1 and no page has to write one while it is being read."""
    from goldenthread.plans.changes import ensure_baselines

    ensure_baselines()


class PlansConfig(AppConfig):
    name = "goldenthread.plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        post_migrate.connect(_baselines, sender=self, dispatch_uid="goldenthread-plan-baselines")
