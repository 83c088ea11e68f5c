"""Set up and run Jixiao's Superset (看板). Runs in Superset's own venv (.venv-superset, `make superset`).

    python superset_assets/bootstrap.py bootstrap   # idempotent: re-run it after changing roles.yml or the assets
    python superset_assets/bootstrap.py serve       # superset run on 127.0.0.1:$JIXIAO_SUPERSET_PORT (8088)
    python superset_assets/bootstrap.py user --username U --roles 科主任,科主任_D01 [--first … --last … --email …]
                                             # password from $JIXIAO_SUPERSET_USER_PASSWORD (never an argument)
    python superset_assets/bootstrap.py users < users.json   # [{"username", "password", "roles": [...]}, …]

`bootstrap`: `superset db upgrade` → `superset init` → the admin user → the assets of
superset_assets/assets/ (Superset's export layout; placeholder __SERVING_DB__ → the serving copy) → the
warehouse database "Jixiao 数据仓库" on the serving copy (read-only, no file access from SQL) → the roles
of roles.yml → one RLS role and filter per department (科主任_<perf_dept_code>) → dashboard roles.

| variable | meaning | default |
|---|---|---|
| JIXIAO_DATA_DIR | the pipeline's data folder | <repo>/data |
| JIXIAO_SERVING_DB | the serving copy (服务副本) Superset reads | $JIXIAO_DATA_DIR/serving.duckdb |
| JIXIAO_SUPERSET_HOME | Superset's files (SQLite metadata DB, .secret_key, admin.txt) | $JIXIAO_DATA_DIR/superset |
| JIXIAO_SUPERSET_ADMIN_USER / _PASSWORD | the admin account | generated once, kept in admin.txt (mode 600) |
| JIXIAO_SUPERSET_PORT | port of `serve` (always 127.0.0.1) | 8088 |
| JIXIAO_SUPERSET_ASSETS | the asset tree | superset_assets/assets |
| SUPERSET_CONFIG_PATH | Superset's config | superset_assets/superset_config.py |
| SUPERSET_DATABASE_URI, SUPERSET_SECRET_KEY | see superset_config.py | |
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ROLES_FILE = HERE / "roles.yml"
PLACEHOLDER = "__SERVING_DB__"
ADMIN_ROLE = "Admin"
# Read-only, and SQL cannot reach any other file (read_csv, ATTACH, COPY … TO, INSTALL are refused):
# SQL Lab users query the serving copy and nothing else on the server.
DATABASE_EXTRA = {
    "engine_params": {"connect_args": {"read_only": True, "config": {"enable_external_access": False}}},
    "allows_virtual_table_explore": True,
    "disable_data_preview": False,
}
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


def say(msg: str) -> None:
    print(msg, flush=True)


def fail(msg: str, code: int = 1) -> None:
    print(msg, file=sys.stderr, flush=True)
    raise SystemExit(code)


# ---- paths and environment --------------------------------------------------------------------
@dataclass(frozen=True)
class Paths:
    data_dir: Path
    serving: Path
    home: Path
    assets: Path

    @classmethod
    def from_env(cls) -> Paths:
        data_dir = Path(os.environ.get("JIXIAO_DATA_DIR", REPO / "data")).resolve()
        return cls(
            data_dir=data_dir,
            serving=Path(os.environ.get("JIXIAO_SERVING_DB", data_dir / "serving.duckdb")).resolve(),
            home=Path(os.environ.get("JIXIAO_SUPERSET_HOME", data_dir / "superset")).resolve(),
            assets=Path(os.environ.get("JIXIAO_SUPERSET_ASSETS", HERE / "assets")).resolve(),
        )

    @property
    def serving_uri(self) -> str:
        return f"duckdb:///{self.serving.as_posix()}"  # absolute path → duckdb:////abs/serving.duckdb


def configure_environment(paths: Paths) -> None:
    """Before Superset is imported: our config, our home, no examples."""
    paths.home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SUPERSET_CONFIG_PATH", str(HERE / "superset_config.py"))
    os.environ["SUPERSET_HOME"] = str(paths.home)
    os.environ.setdefault("JIXIAO_SUPERSET_HOME", str(paths.home))
    os.environ.setdefault("JIXIAO_DATA_DIR", str(paths.data_dir))
    os.environ.setdefault("SUPERSET_LOAD_EXAMPLES", "no")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")


def require_serving_copy(paths: Paths) -> None:
    if not paths.serving.is_file():
        fail(f"未找到服务副本 {paths.serving}：请先运行 make demo（流水线在 dbt build 成功后发布它）", 2)


def superset_cli(paths: Paths, *args: str) -> None:
    """Run a `superset` command; its (long) output goes to $JIXIAO_SUPERSET_HOME/bootstrap.log."""
    exe = Path(sys.executable).parent / "superset"
    log = paths.home / "bootstrap.log"
    t0 = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n==== superset {' '.join(args)} ({time.strftime('%Y-%m-%d %H:%M:%S')})\n")
        out.flush()
        proc = subprocess.run([str(exe), *args], env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT)
    if proc.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        fail(f"superset {' '.join(args)} 失败（退出码 {proc.returncode}），完整输出见 {log}")
    say(f"  superset {' '.join(args)}：{time.perf_counter() - t0:.1f} 秒（输出见 {log}）")


# ---- the admin account ------------------------------------------------------------------------
def admin_credentials(paths: Paths) -> tuple[str, str]:
    """From the environment; else the local demo account of admin.txt, generated (and shown) once."""
    user = os.environ.get("JIXIAO_SUPERSET_ADMIN_USER", "").strip()
    password = os.environ.get("JIXIAO_SUPERSET_ADMIN_PASSWORD", "")
    if user and password:
        return user, password
    if bool(user) != bool(password):
        fail("JIXIAO_SUPERSET_ADMIN_USER 与 JIXIAO_SUPERSET_ADMIN_PASSWORD 须同时设置（或都不设，使用本地演示账号）")
    f = paths.home / "admin.txt"
    if f.exists():
        values = dict(
            line.split("=", 1) for line in f.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        say(f"  管理员账号：{values['username']}（密码见 {f}）")
        return values["username"], values["password"]
    user, password = "admin", secrets.token_urlsafe(12)
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"# Superset 本地演示管理员（由 bootstrap 生成；勿提交）\nusername={user}\npassword={password}\n")
    say(f"  已生成本地演示管理员：用户名 {user}  密码 {password}（已保存到 {f}，权限 600）")
    return user, password


# ---- Superset app --------------------------------------------------------------------------------
_APP = None


@contextmanager
def superset_app():
    """An application context of Superset (created once per process)."""
    global _APP
    if _APP is None:
        from superset.app import create_app

        _APP = create_app()
    with _APP.app_context():
        yield _APP


def ensure_user(
    username: str, first: str, last: str, email: str, password: str, roles: list[str]
) -> Any:
    """Create or update a user with exactly these roles and this password (inside superset_app())."""
    from superset import db
    from superset import security_manager as sm

    role_objs = []
    for name in roles:
        role = sm.find_role(name)
        if role is None:
            raise ValueError(f"角色不存在：{name}（先运行 bootstrap）")
        role_objs.append(role)
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username, first, last, email, role_objs, password)
        if not user:
            raise RuntimeError(f"无法创建用户 {username}（用户名或邮箱已被占用？）")
        return user
    user.first_name, user.last_name, user.email = first, last, email
    user.roles = role_objs
    user.active = True
    db.session.commit()
    sm.reset_password(user.id, password)
    return user


# ---- assets ----------------------------------------------------------------------------------------
def _substitute(text: str, paths: Paths) -> str:
    text = re.sub(r"duckdb:/{2,4}" + PLACEHOLDER, lambda _: paths.serving_uri, text)
    return text.replace(PLACEHOLDER, paths.serving.as_posix())


def load_asset_contents(paths: Paths) -> dict[str, str]:
    """The asset tree as {relative path: yaml text}, placeholder substituted; {} when there is none."""
    root = paths.assets
    files = sorted(p for p in root.rglob("*.yaml") if p.is_file()) if root.is_dir() else []
    if not files:
        return {}
    contents = {p.relative_to(root).as_posix(): _substitute(p.read_text(encoding="utf-8"), paths) for p in files}
    if "metadata.yaml" not in contents:
        fail(f"看板资产目录 {root} 缺少 metadata.yaml（应为 Superset 导出格式）")
    meta = yaml.safe_load(contents["metadata.yaml"]) or {}
    if meta.get("type") != "assets":  # a dashboard export says "Dashboard"; import everything as assets
        meta["type"] = "assets"
        contents["metadata.yaml"] = yaml.safe_dump(meta, allow_unicode=True)
    return contents


def import_assets(contents: dict[str, str]) -> None:
    from superset.commands.exceptions import CommandInvalidError
    from superset.commands.importers.v1.assets import ImportAssetsCommand

    try:
        ImportAssetsCommand(contents).run()
    except CommandInvalidError as exc:
        fail(f"看板资产导入失败：{exc.normalized_messages()}")


def asset_uuids(contents: dict[str, str], folder: str) -> set[uuid.UUID]:
    found = set()
    for name, text in contents.items():
        if name.startswith(folder + "/"):
            doc = yaml.safe_load(text) or {}
            if doc.get("uuid"):
                found.add(uuid.UUID(str(doc["uuid"])))
    return found


# ---- the warehouse database -----------------------------------------------------------------------------
def ensure_database(paths: Paths, name: str, db_uuid: str) -> Any:
    from superset import db
    from superset import security_manager as sm
    from superset.models.core import Database

    wanted = uuid.UUID(db_uuid)
    database = db.session.query(Database).filter_by(uuid=wanted).one_or_none()
    if database is None:
        database = db.session.query(Database).filter_by(database_name=name).one_or_none()
    if database is None:
        database = Database(database_name=name, uuid=wanted)
        db.session.add(database)
    database.database_name = name
    database.uuid = wanted
    database.set_sqlalchemy_uri(paths.serving_uri)
    database.extra = json.dumps(DATABASE_EXTRA)
    database.expose_in_sqllab = True
    database.allow_run_async = False
    database.allow_dml = False
    database.allow_ctas = False
    database.allow_cvas = False
    database.allow_file_upload = False
    db.session.flush()
    sm.add_permission_view_menu("database_access", database.perm)
    db.session.commit()
    return database


# ---- roles, RLS, dashboards ---------------------------------------------------------------------------
def serving_columns(paths: Paths) -> dict[tuple[str, str], set[str]]:
    import duckdb

    con = duckdb.connect(str(paths.serving), read_only=True)
    try:
        rows = con.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns").fetchall()
    finally:
        con.close()
    cols: dict[tuple[str, str], set[str]] = {}
    for s, t, c in rows:
        cols.setdefault((s, t), set()).add(c)
    return cols


def departments(paths: Paths, table: str, column: str, name_column: str) -> list[tuple[str, str]]:
    import duckdb

    schema, _, tbl = table.partition(".")
    con = duckdb.connect(str(paths.serving), read_only=True)
    try:
        return con.execute(
            f'SELECT "{column}", max("{name_column}") FROM "{schema}"."{tbl}" '
            f'WHERE "{column}" IS NOT NULL GROUP BY 1 ORDER BY 1'
        ).fetchall()
    finally:
        con.close()


def _dataset_columns(ds: Any, served: dict[tuple[str, str], set[str]]) -> set[str]:
    return {c.column_name for c in ds.columns} | served.get((ds.schema or "", ds.table_name), set())


def _role_datasets(spec: list[Any], datasets: list[Any], served: dict) -> list[Any]:
    chosen = []
    for ds in datasets:
        qualified = f"{ds.schema}.{ds.table_name}"
        for item in spec or []:
            if isinstance(item, str) and fnmatch.fnmatchcase(qualified, item):
                chosen.append(ds)
                break
            if isinstance(item, dict) and item.get("with_column") in _dataset_columns(ds, served):
                chosen.append(ds)
                break
    return chosen


def _dashboard_datasets(dash: Any, by_id: dict[int, Any]) -> set[int]:
    ids = {s.datasource_id for s in dash.slices if s.datasource_type == "table" and s.datasource_id}
    try:
        meta = json.loads(dash.json_metadata or "{}")
    except ValueError:
        meta = {}
    for flt in meta.get("native_filter_configuration", []) or []:
        for target in flt.get("targets", []) or []:
            if isinstance(target, dict) and target.get("datasetId"):
                ids.add(int(target["datasetId"]))
    return ids


def ensure_roles_and_rls(paths: Paths, config: dict, database: Any, dashboard_uuids: set[uuid.UUID]) -> dict:
    from superset import db
    from superset import security_manager as sm
    from superset.connectors.sqla.models import RowLevelSecurityFilter, SqlaTable
    from superset.models.dashboard import Dashboard

    datasets = db.session.query(SqlaTable).filter_by(database_id=database.id).all()
    served = serving_columns(paths)
    missing = sorted(f"{ds.schema}.{ds.table_name}" for ds in datasets if not ds.sql and (ds.schema, ds.table_name) not in served)
    if missing:
        say(f"  注意：服务副本中没有这些数据集的表（先 dbt build，流水线再发布服务副本）：{'、'.join(missing)}")
    summary: dict[str, Any] = {"roles": {}, "rls": 0, "dashboards": {}}
    readable: dict[str, set[int]] = {}
    role_objs = {}
    for name, spec in config["roles"].items():
        perms: dict[int, Any] = {}
        for base in spec.get("base", []):
            base_role = sm.find_role(base)
            if base_role is None:
                fail(f"roles.yml：角色 {name} 的 base 角色不存在：{base}")
            perms.update({p.id: p for p in base_role.permissions})
        chosen = _role_datasets(spec.get("datasets", []), datasets, served)
        for ds in chosen:
            pvm = sm.add_permission_view_menu("datasource_access", ds.get_perm())
            perms[pvm.id] = pvm
        if spec.get("sql_lab"):
            pvm = sm.add_permission_view_menu("database_access", database.perm)
            perms[pvm.id] = pvm
        role = sm.add_role(name)
        role.permissions = list(perms.values())
        role_objs[name] = role
        readable[name] = {ds.id for ds in chosen}
        summary["roles"][name] = {"permissions": len(perms), "datasets": len(chosen)}

    # RLS: one role and one Regular filter per department.
    rls = config.get("rls")
    if rls and tuple(rls["departments_table"].split(".", 1)) not in served:
        say(f"  服务副本中没有 {rls['departments_table']}：跳过行级权限")
        rls = None
    if rls:
        col = rls["column"]
        tables = [ds for ds in datasets if col in _dataset_columns(ds, served)]
        for code, dept_name in departments(paths, rls["departments_table"], col, rls.get("name_column", col)):
            code = str(code)
            if not _CODE_RE.match(code):
                say(f"  跳过科室编码 {code!r}：只允许字母、数字、_ . -")
                continue
            role_name = f"{rls['role_prefix']}{code}"
            role = sm.add_role(role_name)
            flt = db.session.query(RowLevelSecurityFilter).filter_by(name=role_name).one_or_none()
            if flt is None:
                flt = RowLevelSecurityFilter(name=role_name)
                db.session.add(flt)
            flt.description = f"{dept_name or code}：{rls['role_prefix'].rstrip('_')}只看本科室"
            flt.filter_type = rls.get("filter_type", "Regular")
            flt.group_key = rls.get("group_key")
            flt.clause = f"{col} = '{code}'"
            flt.roles = [role]
            flt.tables = tables
            summary["rls"] += 1
        summary["rls_datasets"] = len(tables)

    # Dashboards of the asset tree: published, with the roles that may read all of their datasets.
    by_id = {ds.id: ds for ds in datasets}
    dashboards = db.session.query(Dashboard).filter(Dashboard.uuid.in_(dashboard_uuids)).all() if dashboard_uuids else []
    for dash in dashboards:
        needed = _dashboard_datasets(dash, by_id)
        roles = []
        for name, spec in config["roles"].items():
            extra = spec.get("dashboards") or []
            by_glob = any(
                fnmatch.fnmatchcase(dash.slug or "", g) or fnmatch.fnmatchcase(dash.dashboard_title or "", g)
                for g in extra
            )
            if needed <= readable[name] or by_glob:
                roles.append(role_objs[name])
        dash.roles = roles
        dash.published = True
        summary["dashboards"][dash.dashboard_title] = [r.name for r in roles]
    db.session.commit()
    return summary


# ---- commands ------------------------------------------------------------------------------------------
def bootstrap(paths: Paths) -> None:
    t0 = time.perf_counter()
    require_serving_copy(paths)
    configure_environment(paths)
    config = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    say(f"Superset 初始化：元数据 {'SUPERSET_DATABASE_URI' if os.environ.get('SUPERSET_DATABASE_URI') else paths.home / 'superset.db'}，服务副本 {paths.serving}")
    superset_cli(paths, "db", "upgrade")
    superset_cli(paths, "init")
    user, password = admin_credentials(paths)
    with superset_app():
        from superset.utils.core import override_user

        admin = ensure_user(user, "Jixiao", "Admin", f"{user}@jixiao.local", password, [ADMIN_ROLE])
        contents = load_asset_contents(paths)
        with override_user(admin):
            if contents:
                import_assets(contents)
                say(f"  已导入看板资产 {paths.assets}（{len(contents)} 个文件）")
            else:
                say(f"  看板资产目录 {paths.assets} 为空或不存在：跳过导入")
            database = ensure_database(paths, config["database"]["name"], config["database"]["uuid"])
        say(f"  数据库「{database.database_name}」→ {paths.serving_uri}（只读）")
        summary = ensure_roles_and_rls(paths, config, database, asset_uuids(contents, "dashboards"))
    for name, s in summary["roles"].items():
        say(f"  角色 {name}：{s['permissions']} 项权限，{s['datasets']} 个数据集")
    say(f"  行级权限：{summary['rls']} 个科室角色（{config['rls']['role_prefix']}<编码>），各作用于 {summary.get('rls_datasets', 0)} 个数据集")
    for title, roles in summary["dashboards"].items():
        say(f"  看板「{title}」：{'、'.join(roles) or '仅管理员'}")
    say(f"Superset 初始化完成，用时 {time.perf_counter() - t0:.1f} 秒")


def serve(paths: Paths) -> None:
    require_serving_copy(paths)
    configure_environment(paths)
    port = os.environ.get("JIXIAO_SUPERSET_PORT", "8088")
    if not port.isdigit():
        fail(f"JIXIAO_SUPERSET_PORT 不是端口号：{port}")
    exe = Path(sys.executable).parent / "superset"
    say(f"Superset：http://127.0.0.1:{port}/（仅本机；Ctrl+C 停止）")
    os.execv(str(exe), [str(exe), "run", "-h", "127.0.0.1", "-p", port, "--with-threads"])


def user_command(paths: Paths, args: argparse.Namespace) -> None:
    configure_environment(paths)
    password = os.environ.get("JIXIAO_SUPERSET_USER_PASSWORD", "")
    if not password:
        fail("请在环境变量 JIXIAO_SUPERSET_USER_PASSWORD 中给出密码")
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    with superset_app():
        try:
            ensure_user(args.username, args.first, args.last, args.email or f"{args.username}@jixiao.local", password, roles)
        except (ValueError, RuntimeError) as exc:
            fail(str(exc))
    say(f"用户 {args.username}：{'、'.join(roles)}")


def users_command(paths: Paths) -> None:
    """Several users in one go: a JSON list on stdin of {username, password, roles, first?, last?, email?}."""
    configure_environment(paths)
    wanted = json.load(sys.stdin)
    with superset_app():
        for u in wanted:
            name = u["username"]
            try:
                ensure_user(name, u.get("first", ""), u.get("last", ""), u.get("email") or f"{name}@jixiao.local",
                            u["password"], list(u["roles"]))
            except (ValueError, RuntimeError) as exc:
                fail(f"用户 {name}：{exc}")
            say(f"用户 {name}：{'、'.join(u['roles'])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Jixiao 的 Superset：初始化、启动、建用户")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("bootstrap", help="初始化（可重复运行）")
    sub.add_parser("serve", help="在 127.0.0.1 启动 Superset")
    u = sub.add_parser("user", help="创建或更新用户（密码取自 JIXIAO_SUPERSET_USER_PASSWORD）")
    u.add_argument("--username", required=True)
    u.add_argument("--roles", required=True, help="逗号分隔，如 科主任,科主任_D01")
    u.add_argument("--first", default="")
    u.add_argument("--last", default="")
    u.add_argument("--email", default="")
    sub.add_parser("users", help="批量创建或更新用户：标准输入为 JSON 列表（含密码）")
    args = parser.parse_args(argv)
    paths = Paths.from_env()
    if args.command == "bootstrap":
        bootstrap(paths)
    elif args.command == "serve":
        serve(paths)
    elif args.command == "users":
        users_command(paths)
    else:
        user_command(paths, args)


if __name__ == "__main__":
    main()
