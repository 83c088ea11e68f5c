"""The dbt project as Dagster sees it. The manifest must be prepared before the definitions load
(``jixiao`` and the tests call ``prepare_dbt_manifest``; ``dagster dev`` prepares it itself)."""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR, configure_environment, dbt_target_path

configure_environment()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=dbt_target_path())
dbt_project.prepare_if_dev()


def prepare_dbt_manifest(force: bool = False) -> None:
    """Run ``dbt parse`` so ``target/manifest.json`` exists (no ``dbt deps``: we ship no packages)."""
    if force or not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
