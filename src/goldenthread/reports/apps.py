from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "goldenthread.reports"
    label = "reports"
    verbose_name = "Board papers"

    def warm_plan(self, plan) -> None:
        """Keep the board pack page as at the current quarter, for the task worker warming a plan's
        pages (:func:`goldenthread.presenters.kept.warm`, which may not import this layer)."""
        from goldenthread.reports import kept_packs

        kept_packs.warm(plan)
