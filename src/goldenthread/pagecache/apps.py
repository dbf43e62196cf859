from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "goldenthread.pagecache"
    label = "pagecache"
    verbose_name = "Assessments kept for the pages"
