"""The audit ledger: every history record in sealing order, and signed checkpoints of it.

Like a Certificate Transparency log: `LedgerEntry` n says "record `history_id` of `table`,
whose seal is `record_hash`, is the n-th record"; its `chain` = HMAC(key, previous chain +
that line), so no entry can be removed, reordered or changed without the key. Each sealing
run ends with a `Checkpoint` (sequence, time, count, root = the last chain value) signed with
the key and linked to the previous checkpoint. Checkpoints are exported to be kept outside
the database (`manage.py export_checkpoints`, the auditors' Excel, e-mail to the 纪委 mailbox).
Both tables are append-only (ORM guards here, triggers on PostgreSQL).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import keys
from .chain import AppendOnlyError, _AppendOnlyQuerySet


class _AppendOnly(models.Model):
    objects = models.Manager.from_queryset(_AppendOnlyQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计账本只可追加，不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计账本只可追加，不可删除。")


class LedgerEntry(_AppendOnly):
    seq = models.BigIntegerField(_("序号"), unique=True)
    table = models.CharField(_("历史表"), max_length=100)
    history_id = models.BigIntegerField(_("历史记录编号"))
    record_hash = models.CharField(_("记录印章"), max_length=64)
    chain = models.CharField(_("链值"), max_length=64)
    key_id = models.CharField(_("密钥编号"), max_length=16)

    class Meta:
        app_label = "workflows"
        verbose_name = _("审计账本条目")
        verbose_name_plural = _("审计账本条目")
        constraints = [models.UniqueConstraint(fields=["table", "history_id"], name="one_ledger_entry_per_record")]

    def __str__(self):
        return f"#{self.seq} {self.table}:{self.history_id}"

    @classmethod
    def highest_sealed(cls, table: str, *, using: str = "default") -> int:
        """The highest history_id of `table` in the ledger (0 when none)."""
        return (cls.objects.using(using).filter(table=table).order_by("-history_id")
                .values_list("history_id", flat=True).first()) or 0

    @staticmethod
    def line(*, seq: int, table: str, history_id: int, record_hash: str) -> str:
        return f"{seq}|{table}|{history_id}|{record_hash}"

    @classmethod
    def chain_value(cls, *, key_id: str, previous: str, seq: int, table: str, history_id: int,
                    record_hash: str) -> str:
        return keys.mac(key_id, previous + "\n" + cls.line(seq=seq, table=table, history_id=history_id,
                                                          record_hash=record_hash))


class Checkpoint(_AppendOnly):
    """The state of the ledger after one sealing run, signed."""

    seq = models.BigIntegerField(_("截至序号"), unique=True)
    count = models.BigIntegerField(_("条目数"))
    root = models.CharField(_("根值"), max_length=64)
    created = models.DateTimeField(_("时间"))
    horizon = models.BigIntegerField(_("事务水位"), default=0)
    previous_signature = models.CharField(_("上一检查点签名"), max_length=64, blank=True)
    key_id = models.CharField(_("密钥编号"), max_length=16)
    signature = models.CharField(_("签名"), max_length=64)

    class Meta:
        app_label = "workflows"
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["seq"]

    def __str__(self):
        return f"检查点 #{self.seq}（{self.count} 条）"

    def statement(self) -> str:
        return (f"seq={self.seq}|count={self.count}|root={self.root}|created={self.created.isoformat()}|"
                f"horizon={self.horizon}|previous={self.previous_signature}")

    def sign(self) -> str:
        return keys.mac(self.key_id, self.statement())

    def as_export(self) -> dict:
        return {"seq": self.seq, "count": self.count, "root": self.root, "created": self.created.isoformat(),
                "horizon": self.horizon, "previous_signature": self.previous_signature, "key_id": self.key_id,
                "signature": self.signature}


class VerificationRun(_AppendOnly):
    """The outcome of one full verification (`manage.py verify_history`, cron): what the integrity page shows.

    A full verification reads every history record, so pages never run it; they show the latest run.
    """

    finished = models.DateTimeField(_("完成时间"))
    ok = models.BooleanField(_("完整"))
    records = models.BigIntegerField(_("历史记录数"))
    sealed = models.BigIntegerField(_("已封存"))
    awaiting = models.BigIntegerField(_("待封存"))
    checkpoint_seq = models.BigIntegerField(_("最新检查点"), null=True)
    problems = models.JSONField(_("问题"), default=list)
    against_export = models.BooleanField(_("对照外部检查点"), default=False)

    class Meta:
        app_label = "workflows"
        verbose_name = _("完整性校验")
        verbose_name_plural = _("完整性校验")
        ordering = ["-finished"]

    def __str__(self):
        return f"校验 {self.finished:%Y-%m-%d %H:%M}：{'完整' if self.ok else '未通过'}"
