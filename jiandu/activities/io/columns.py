"""The columns of the activity ledger: the export format is the import template."""

import re

from jiandu.core.xlsx import Column

from ..enums import Method

SHEET = "监督检查活动"
COLUMNS = [
    Column("code", "编号", 12),
    Column("group", "纪检监察组", 20, required=True),
    Column("method", "方式", 12, required=True),
    Column("title", "标题", 40, required=True),
    Column("topics", "主题", 18),
    Column("campaign", "专项监督", 24),
    Column("start_date", "开始日期", 12, required=True),
    Column("end_date", "结束日期", 12),
    Column("days", "驻点天数", 10),
    Column("leader", "带队领导", 12),
    Column("participants", "参加人员", 24),
    Column("external_participants", "外部人员", 20),
    Column("target_orgs", "监督对象", 30),
    Column("sites", "监督点位", 36),
    Column("summary", "情况摘要", 50),
    Column("findings", "发现问题", 40),
]
SEPARATORS = re.compile(r"[、，,；;\n]+")
JOIN = "、"
METHOD_BY_LABEL = {str(label): value for value, label in Method.choices} | {v: v for v in Method.values}
METHOD_LABELS = "、".join(str(label) for label in Method.labels)
MAX_LENGTHS = {"title": 200, "external_participants": 500}
IN_CHUNK = 2000
COLUMN_LABELS = {c.key: c.header for c in COLUMNS}
