"""Backup and restore of the whole application: database rows and uploaded evidence files, in one archive.

The archive is a ``.tar.gz`` holding

* ``manifest.json``: format version, when and from which database engine it was made, the applied
  migrations, and the number of rows of every table;
* ``data/<app>.<model>.jsonl``: every row of every table, one JSON object a line (Django's ``jsonl``
  serializer, primary keys kept, many-to-many links as rows of their own through tables);
* ``media/...``: every file under ``MEDIA_ROOT`` (evidence files).

The format does not depend on the engine: a backup of PostgreSQL restores into SQLite and the other
way round. For PostgreSQL alone, ``pg_dump`` is the native tool (docs/operations.md); this command is
the one that also carries the evidence files and checks the counts.

**Consistency.** Every table is read inside one read-only transaction: ``REPEATABLE READ`` on
PostgreSQL (one snapshot for the whole dump, writers are not blocked), a deferred transaction on
SQLite (its shared lock keeps writers out until the dump ends). Files are copied after the database:
an evidence file is saved before its report is committed, so every file a dumped row names is there.

**Restore** needs an empty database (``--flush`` empties one first). It brings the schema to the
migrations the backup was made with, inserts the rows as they were (timestamps included), checks every
table's count against the manifest, then migrates forward to this version of the code.
"""

import datetime
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, reset_queries, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = "caugiay-backup"
VERSION = 1
# Rows that are not worth keeping: sessions end anyway, and signing in again is harmless. Backups made before
# the page cache was removed may still hold the row of its data version (``targets.dataversion``).
SKIPPED = {"sessions.session", "targets.dataversion"}
# Rows that ``migrate`` creates by itself; a restore replaces them with the backup's, ids included.
REPLACED = {"contenttypes.contenttype", "auth.permission"}
CHUNK = 2000


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (as JavaScript does); a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Result:
    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    media_files: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def label(model) -> str:
    return model._meta.label_lower


def models_to_copy():
    """Every table of every installed app, through tables included, parents before children."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and label(model) not in SKIPPED
    ]
    app_list = {}
    for model in chosen:
        app_list.setdefault(model._meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    # sort_dependencies leaves out auto-created through tables; they follow their models.
    return ordered + [m for m in chosen if m not in ordered]


def _own_fields(model) -> list[str]:
    """The columns of the model's own table (many-to-many links travel in their through tables)."""
    return [f.name for f in model._meta.local_concrete_fields]


def _applied_migrations(connection) -> list[list[str]]:
    executor = MigrationExecutor(connection)
    return sorted([app, name] for app, name in executor.recorder.applied_migrations())


def _start_snapshot(connection) -> None:
    """Make the surrounding transaction one consistent, read-only view of the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif connection.vendor == "sqlite":
        # A deferred transaction takes its shared lock on the first read and keeps it to the end.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master")


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup(*, output: Path, include_media: bool = True, using: str = DEFAULT_DB_ALIAS) -> Result:
    """Write the archive to ``output`` (created with mode 0600: it holds password hashes)."""
    connection = connections[using]
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    result = Result(path=output)
    models = models_to_copy()
    with tempfile.TemporaryDirectory(prefix="caugiay-backup-") as staging:
        staging = Path(staging)
        (staging / "data").mkdir()
        with transaction.atomic(using=using):
            _start_snapshot(connection)
            migrations = _applied_migrations(connection)
            for model in models:
                path = staging / "data" / f"{label(model)}.jsonl"
                queryset = model._base_manager.using(using).order_by("pk")
                with path.open("w", encoding="utf-8") as stream:
                    serializers.serialize(
                        "jsonl",
                        queryset.iterator(chunk_size=CHUNK),
                        stream=stream,
                        fields=_own_fields(model),
                        cls=ExactJSONEncoder,
                    )
                with path.open("rb") as stream:
                    result.counts[label(model)] = sum(1 for _line in stream)
        media = _media_files(Path(settings.MEDIA_ROOT)) if include_media else []
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "counts": result.counts,
            "media_files": len(media),
        }
        partial = output.with_name(output.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            # In restore order, so that reading them back never seeks backwards in the gzip stream.
            for model in models:
                name = f"data/{label(model)}.jsonl"
                archive.add(staging / name, arcname=name, recursive=False)
            root = Path(settings.MEDIA_ROOT)
            for path in media:
                archive.add(path, arcname=f"media/{path.relative_to(root).as_posix()}", recursive=False)
        partial.replace(output)
    result.media_files = len(media)
    return result


# --- Restore ----------------------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError(f"This is not a backup of this application (no readable manifest.json): {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a backup of this application (unknown format).")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Backup format version {manifest.get('version')} is not supported (expected {VERSION}).")
    return manifest


def _migration_targets(connection, applied: list[list[str]]) -> list[tuple[str, str | None]]:
    """The migration state the backup was made at, as targets for the executor."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    recorded = {tuple(node) for node in applied}
    unknown = sorted(node for node in recorded if node not in graph.nodes)
    if unknown:
        raise BackupError(
            "The backup was made by a newer version of the application (migrations unknown here: "
            + ", ".join(f"{a}.{n}" for a, n in unknown[:5])
            + "). Restore it with that version."
        )
    targets = []
    for app in sorted(executor.loader.migrated_apps):
        nodes = {node for node in recorded if node[0] == app}
        leaves = [node for node in nodes if not any(child in nodes for child in graph.node_map[node].children)]
        if len(leaves) > 1:
            raise BackupError(f"The backup's migrations of {app} have several heads: {sorted(leaves)}.")
        targets.append(leaves[0] if leaves else (app, None))
    return targets


def _not_empty(models, using) -> list[str]:
    return [
        f"{label(m)} ({m._base_manager.using(using).count()} rows)"
        for m in models
        if label(m) not in REPLACED and m._base_manager.using(using).exists()
    ]


def _insert(model, objects, using) -> None:
    """Insert rows exactly as dumped: ``raw`` like ``loaddata`` (no auto_now, no signals, so no extra
    history rows), but a batch at a time instead of one INSERT per row."""
    connection = connections[using]
    fields = model._meta.local_concrete_fields
    size = max(1, connection.ops.bulk_batch_size(fields, objects))
    for start in range(0, len(objects), size):
        chunk = objects[start : start + size]
        try:
            with transaction.atomic(using=using):
                model._base_manager.using(using)._insert(chunk, fields=fields, raw=True, using=using)
        except DatabaseError as exc:
            # What _check_row does not foresee (a number out of range, a broken link): name the rows.
            raise BackupError(
                f"Table {label(model)}, rows {chunk[0].pk!r} to {chunk[-1].pk!r}: the database refused them "
                f"({str(exc).strip()[:300]}). Nothing was restored."
            ) from None
    reset_queries()  # with DEBUG on, Django would keep the SQL of every batch in memory


def _check_row(name: str, model, obj) -> None:
    """Refuse, in words, a row the database would refuse or cut: SQLite keeps a string of any length in a
    varchar column and a NUL in text, PostgreSQL takes neither. Checked before the row is written."""
    for field_ in model._meta.local_concrete_fields:
        value = getattr(obj, field_.attname)
        if not isinstance(value, str):
            continue
        problem = None
        max_length = getattr(field_, "max_length", None)
        if (
            max_length
            and len(value) > max_length
            and field_.get_internal_type()
            in ("CharField", "SlugField", "EmailField", "URLField", "FileField", "ImageField", "GenericIPAddressField")
        ):
            problem = f"{len(value)} characters long, the column holds at most {max_length}"
        elif "\x00" in value:
            problem = "holds a null character (\\x00), which PostgreSQL cannot store"
        if problem:
            raise BackupError(
                f"Table {name}, row {obj.pk!r}, field {field_.name}: the value ({value[:40]!r}…) is {problem}. "
                "Nothing was restored. Correct or delete that row in the source database (for django-axes "
                "records: Admin → Axes, or `manage axes_reset`), make a new backup and restore that."
            )


def _open_archive(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, mode="r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} is not a readable .tar.gz archive: {exc}") from None


def restore(*, source: Path, flush: bool = False, using: str = DEFAULT_DB_ALIAS, stdout=None) -> Result:
    """Restore the archive at ``source`` into the (empty) database and MEDIA_ROOT."""
    connection = connections[using]
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    with _open_archive(source) as archive:
        manifest = read_manifest(archive)
        counts = manifest["counts"]
        by_label = {label(m): m for m in apps.get_models(include_auto_created=True)}
        missing = sorted(name for name in counts if name not in by_label)
        if missing:
            raise BackupError(f"The backup holds tables this version does not know: {', '.join(missing)}.")

        # 1. The schema the rows were dumped from.
        targets = _migration_targets(connection, manifest["migrations"])
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        models = [by_label[name] for name in counts]
        if flush:
            call_command("flush", interactive=False, verbosity=0, database=using)
        busy = _not_empty(models, using)
        if busy:
            raise BackupError(
                "The database is not empty: "
                + ", ".join(busy[:5])
                + ". Restore into a new database, or pass --flush to delete everything in this one first."
            )

        # 2. The rows, all or nothing.
        result = Result(path=source)
        with transaction.atomic(using=using):
            for name in REPLACED:
                by_label[name]._base_manager.using(using).all().delete()
            for name in counts:
                model = by_label[name]
                member = archive.extractfile(f"data/{name}.jsonl")
                batch = []
                for item in serializers.deserialize("jsonl", member, using=using):
                    _check_row(name, model, item.object)
                    batch.append(item.object)
                    if len(batch) >= CHUNK:
                        _insert(model, batch, using)
                        batch = []
                if batch:
                    _insert(model, batch, using)
                result.counts[name] = model._base_manager.using(using).count()
                if result.counts[name] != counts[name]:
                    raise BackupError(f"{name}: {result.counts[name]} rows restored, the backup holds {counts[name]}.")
            statements = connection.ops.sequence_reset_sql(no_style(), models)
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
        ContentType.objects.clear_cache()

        # 3. The files, once the rows are in.
        root = Path(settings.MEDIA_ROOT)
        media = [m for m in archive.getmembers() if m.name.startswith("media/") and m.isfile()]
        for member in media:
            member.name = member.name.removeprefix("media/")
            archive.extract(member, path=root, filter="data")
        result.media_files = len(media)

    # 4. Forward to this version of the code (data migrations run on the restored rows).
    call_command("migrate", database=using, interactive=False, verbosity=0)
    # A browser may keep pages of the database as it was before the restore: moving every programme's data
    # version to a value never used before makes them render afresh.
    from .services.versions import program_version_bump

    program_version_bump(using=using)
    if connection.vendor == "postgresql":
        # Planner statistics for the rows just written, as autovacuum would soon leave them (docs/operations.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result
