from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("goldenthread.web.urls")),
    path("data/", include("goldenthread.performance.urls")),
    path("", include("goldenthread.cycles.urls")),
]
