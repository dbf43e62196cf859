from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "goldenthread.storage"
    label = "storage"
    verbose_name = "Files held in the database"
