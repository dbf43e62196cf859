from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("goldenthread.web.urls")),
    path("", include("goldenthread.reports.urls")),
    path("data/", include("goldenthread.web.urls_data")),
    path("", include("goldenthread.web.urls_cycle")),
]
