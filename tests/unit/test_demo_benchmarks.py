"""How the benchmark runner keeps docs/benchmarks.md: each benchmark owns one section."""

from benchmarks import BenchmarkDatabase, write_section


def test_a_new_section_is_added_at_the_end(tmp_path):
    results = tmp_path / "benchmarks.md"
    results.write_text("# Benchmarks\n\nHow to run them.\n")
    write_section("demo_data", "## Loading\n\n12.3 s", results)
    assert results.read_text() == (
        "# Benchmarks\n\nHow to run them.\n\n"
        "<!-- bench:demo_data -->\n## Loading\n\n12.3 s\n<!-- /bench:demo_data -->\n"
    )


def test_a_section_is_rewritten_between_its_markers_and_nothing_else_changes(tmp_path):
    results = tmp_path / "benchmarks.md"
    results.write_text(
        "# Benchmarks\n\n"
        "<!-- bench:demo_data -->\nold figures\n<!-- /bench:demo_data -->\n\n"
        "<!-- bench:pages -->\npage figures\n<!-- /bench:pages -->\n"
    )
    write_section("demo_data", "new figures", results)
    assert results.read_text() == (
        "# Benchmarks\n\n"
        "<!-- bench:demo_data -->\nnew figures\n<!-- /bench:demo_data -->\n\n"
        "<!-- bench:pages -->\npage figures\n<!-- /bench:pages -->\n"
    )


def test_databases_are_named_for_people():
    assert BenchmarkDatabase("sqlite:////tmp/bench.sqlite3").label == "SQLite"
    assert BenchmarkDatabase("postgresql+psycopg://postgres@localhost/bench").label == "PostgreSQL"
