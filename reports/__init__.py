"""shmcheck's reporting half: results.json -> HTML report, JUnit XML, merged multi-platform report.

Run with Debian's /usr/bin/python3 (python3-jinja2, python3-matplotlib, python3-jsonschema):
`/usr/bin/python3 -m reports --help` from the repository root.
"""
