"""The one error type. Services raise it; the page middleware and the API handler turn it into a response.

Every error carries a stable `code` (for programs) and a Chinese `message` (for people). Field errors,
where a form or an import can point at the culprit, go in `fields` ({field: [messages]}).
"""


class AppError(Exception):
    code = "error"
    status = 400
    default_message = "操作失败。"

    def __init__(self, message: str | None = None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(self.message)

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(AppError):
    code = "invalid"
    status = 400
    default_message = "提交的内容有误，请检查后重试。"


class NotFound(AppError):
    """Also what a record one may not see answers, so that ids do not leak (DESIGN §6)."""

    code = "not_found"
    status = 404
    default_message = "记录不存在或无权查看。"


class PermissionDenied(AppError):
    """For actions on records one may see but not change."""

    code = "permission_denied"
    status = 403
    default_message = "您没有执行此操作的权限。"


class Conflict(AppError):
    """Someone else saved the record since it was opened (version mismatch)."""

    code = "conflict"
    status = 409
    default_message = "该记录已被他人修改，请刷新页面后重新编辑。"


class ImportFailed(ValidationFailed):
    """An all-or-nothing import that wrote nothing. `rows` lists (row, column, message)."""

    code = "import_failed"
    default_message = "导入失败，未写入任何数据。"

    def __init__(self, rows: list[tuple[int | None, str, str]], message: str | None = None):
        self.rows = rows
        super().__init__(message or f"导入失败：共发现{len(rows)}处错误，未写入任何数据。")

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["errors"] = [{"row": r, "column": c, "message": m} for r, c, m in self.rows]
        return body
