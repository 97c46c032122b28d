from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other characters (等保 complexity)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、特殊符号中的至少{self.min_classes}类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含小写字母、大写字母、数字、特殊符号中的至少{self.min_classes}类。"


def password_expired(user) -> bool:
    """Older than JIANDU_PASSWORD_MAX_AGE_DAYS (0: never expires), counted from the last change or, for a
    password never changed, from when the account was opened."""
    max_age = settings.JIANDU_PASSWORD_MAX_AGE_DAYS
    changed_at = getattr(user, "password_changed_at", None) or getattr(user, "date_joined", None)
    if not max_age or changed_at is None:
        return False
    return timezone.now() - changed_at > timedelta(days=max_age)


class PasswordHistoryValidator:
    """None of the last JIANDU_PASSWORD_HISTORY passwords may be used again. Django calls `password_changed`
    after every save of a new password (own change, admin reset, new account), which keeps the history."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from jiandu.organizations.models import PasswordHistory

        keep = settings.JIANDU_PASSWORD_HISTORY
        if not keep:
            return
        recent = list(
            PasswordHistory.objects.filter(user=user).order_by("-pk").values_list("password", flat=True)[:keep]
        )
        if user.password and user.password not in recent:
            recent.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in recent[:keep]):
            raise ValidationError(f"新密码不能与最近{keep}次使用过的密码相同。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.password:
            return
        from jiandu.organizations.models import PasswordHistory

        keep = settings.JIANDU_PASSWORD_HISTORY
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-pk").values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能与最近{settings.JIANDU_PASSWORD_HISTORY}次使用过的密码相同。"
