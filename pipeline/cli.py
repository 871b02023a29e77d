"""warta command line."""
import click


@click.group()
@click.version_option(package_name="warta")
def cli() -> None:
    """warta: Indonesian regional news into a searchable knowledge store."""
