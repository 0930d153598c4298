from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Resolution targets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import services

        services.data_changes_watch()
        # A new release (its templates, its static files' names) must not be served from pages cached by the
        # previous one: every `migrate`, which each deployment runs, moves the data version on.
        post_migrate.connect(_new_release, sender=self, dispatch_uid="data-version-migrate")


def _new_release(sender, using, **kwargs):
    from django.db import connections

    from . import services
    from .models import DataVersion

    # Not after `migrate targets zero`, which leaves no table to write to.
    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        services.data_changed(using=using)
