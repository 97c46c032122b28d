"""The audit chain (DESIGN §9, §10): every write, login, export and grant becomes an AuditEvent.

Each event's SM3 hash covers its content and the previous event's hash, so editing, deleting or inserting
a row directly in the database breaks the chain; `verify_chain` (and `manage.py audit_verify`) finds the
first broken link. Call `record` inside the service's transaction so the event and the write commit together.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .context import current_ip
from .enums import EventType, Outcome
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HASH_ALGORITHM = "sm3"


def _digest(payload: bytes) -> str:
    return hashlib.new(HASH_ALGORITHM, payload).hexdigest()


# What an event's hash covers, read off an event or a row of its values (verify_chain reads values).
CHAINED_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_username", "event_type", "object_type", "object_id", "object_repr",
    "outcome", "details", "ip", "prev_hash",
)  # fmt: skip


def _canonical(event: AuditEvent) -> bytes:
    content = {name: getattr(event, name) for name in CHAINED_FIELDS}
    content["occurred_at"] = event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return _digest(_canonical(event))


def _plain(details) -> dict:
    """Details as plain JSON values, so that what is hashed is what the database gives back."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def record(
    event_type: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    outcome: str = Outcome.SUCCESS,
    details: dict | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain. Joins the caller's transaction when there is one."""
    entry = {
        "event_type": event_type,
        "obj": obj,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "outcome": outcome,
        "details": details,
    }
    return record_many([entry], actor=actor, username=username)[0]


def record_many(entries: list[dict], *, actor=None, username: str = "") -> list[AuditEvent]:
    """Append events in order under one lock of the chain head (bulk imports write thousands at once).

    Each entry takes record()'s keywords: event_type, obj, object_type, object_id, object_repr, outcome, details.
    """
    if not entries:
        return []
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = actor.pk if authenticated else None
    actor_name = (actor.get_username() if authenticated else username)[:150]
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
        seq, prev_hash, now, ip = head.last_seq, head.last_hash, timezone.now(), current_ip()
        events = []
        for entry in entries:
            obj = entry.get("obj")
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=now,
                actor_id=actor_id,
                actor_username=actor_name,
                event_type=entry["event_type"],
                object_type=entry.get("object_type") or (obj._meta.label_lower if obj is not None else ""),
                object_id=str(entry.get("object_id") or (obj.pk if obj is not None else "")),
                object_repr=str(entry.get("object_repr") or (obj if obj is not None else ""))[:200],
                outcome=entry.get("outcome") or Outcome.SUCCESS,
                details=_plain(entry.get("details")),
                ip=ip,
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = compute_hash(event)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_seq, head.last_hash = seq, prev_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return events


# --- Changes of a record: what to put in `details` ---


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The values of `fields` as audit-friendly strings (foreign keys by id)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        out[name] = value if value is None or isinstance(value, bool | int | str) else str(value)
    return out


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def change_entry(obj, *, before: dict | None, fields: list[str], extra: dict | None = None) -> dict:
    """The entry for a create (before is None) or an update with the changed fields (for record_many)."""
    after = snapshot(obj, fields)
    if before is None:
        details, event_type = {"values": after}, EventType.CREATE
    else:
        details, event_type = {"changes": diff(before, after)}, EventType.UPDATE
    if extra:
        details.update(extra)
    return {"event_type": event_type, "obj": obj, "details": details}


def record_change(actor, obj, *, before: dict | None, fields: list[str], extra: dict | None = None) -> AuditEvent:
    """A create (before is None) or an update with the changed fields."""
    return record_many([change_entry(obj, before=before, fields=fields, extra=extra)], actor=actor)[0]


# --- Verification ---


@dataclass
class ChainReport:
    ok: bool
    checked: int
    message: str
    bad_event_id: int | None = None
    bad_seq: int | None = None


def verify_chain(chunk_size: int = 5000) -> ChainReport:
    """Walk the live chain in order and report the first event whose link or content does not hold.

    The live chain starts after the last archive checkpoint (jiandu.core.audit_archive): its first event must
    follow the checkpoint's last sequence number and hash; the archived events are checked by verify_archives."""
    from .models import AuditArchive

    checkpoint = AuditArchive.objects.order_by("-last_seq").first()
    expected_seq = checkpoint.last_seq + 1 if checkpoint else 1
    prev_hash = checkpoint.last_hash if checkpoint else GENESIS_HASH
    checked = 0
    events = AuditEvent.objects.order_by("seq").values_list("id", *CHAINED_FIELDS, "hash", named=True)
    for event in events.iterator(chunk_size=chunk_size):  # plain values: a live chain holds months of events
        if event.seq != expected_seq:
            kind = "缺失（被删除）" if event.seq > expected_seq else "重复或被插入"
            return ChainReport(
                False,
                checked,
                f"审计事件第{expected_seq}号{kind}：在 id={event.id}（序号{event.seq}）处断链。",
                event.id,
                event.seq,
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                f"审计事件 id={event.id}（序号{event.seq}）的前一哈希与上一条不符：链被插入或改动。",
                event.id,
                event.seq,
            )
        if compute_hash(event) != event.hash:
            return ChainReport(
                False,
                checked,
                f"审计事件 id={event.id}（序号{event.seq}）的内容与其哈希不符：该记录被篡改。",
                event.id,
                event.seq,
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        return ChainReport(
            False,
            checked,
            f"审计链尾部不完整：最后一条应为第{head.last_seq}号，实为第{expected_seq - 1}号（末尾记录被删除）。",
        )
    archived = f"，此前{checkpoint.last_seq}条已归档" if checkpoint else ""
    return ChainReport(True, checked, f"审计链完整：共校验{checked}条事件（SM3）{archived}。")
