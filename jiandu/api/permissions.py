from rest_framework.permissions import BasePermission


class IsActiveAccount(BasePermission):
    """Logged in, active, and not waiting to change an admin-set password. Record rules come from core.access."""

    message = "请先登录。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if getattr(user, "must_change_password", False):
            self.message = "请先在网页上修改初始密码后再使用接口。"
            return False
        return True
