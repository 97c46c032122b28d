from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jiandu.api"
    label = "api"
    verbose_name = "接口"
