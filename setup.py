"""ckanext-ogpcatalog: an Open Government Partnership catalogue for CKAN 2.12.

Every dependency of the project is pinned here, and only here: `pip install -e .[test]`
resolves the portal and its test tools in one step.
"""
from setuptools import find_namespace_packages, setup

CKAN_STACK = [
    "ckan[requirements]==2.12.0",
    "ckanext-scheming==3.1.0",
    "ckanext-dcat==2.4.4",
    "ckanext-harvest==1.6.3",
    # OCDS validation of procurement resources (issue 7); ocdskit detects package kinds.
    "libcoveocds==0.17.0",
    "ocdskit==1.7.0",
    # Hardened XML parsing of harvested catalogues (entity expansion, external entities).
    "defusedxml==0.7.1",
    # XLSX exports of the metrics tables.
    "openpyxl==3.1.5",
]

TEST_TOOLS = [
    # CKAN's own pytest plugin and its shipped tests need these (pins from CKAN 2.12's
    # dev-requirements.txt, so CKAN's search tests run unchanged in `make conformance`).
    "pytest==9.1.1",
    "pytest-factoryboy==2.8.1",
    "factory-boy==3.3.3",
    "Faker==40.28.1",
    "freezegun==1.5.5",
    "pytest-freezegun==0.4.2",
    "beautifulsoup4==4.15.0",
    "responses==0.26.2",
    # Our own tools: wheel build test, catalogue compilation, production WSGI server.
    "build==1.6.1",
    "Babel==2.18.0",
    "PyYAML==6.0.3",
    "gunicorn==23.0.0",
    # DCAT-AP 3 SHACL validation of our output; fuzzing; browser journeys; load benchmark.
    "pyshacl==0.40.1",
    # JSON Schema validation of our data.json outputs (Argentina's profile, DCAT-US 1.1) in tests.
    "jsonschema==4.26.0",
    "referencing==0.37.0",
    "hypothesis==6.170.15",
    "playwright==1.65.2",
    "locust==2.47.0",
]

setup(
    name="ckanext-ogpcatalog",
    version="0.1.0",
    description="Open-government catalogue for CKAN 2.12: procurement and OGP schemas, "
    "DCAT harvesting, bilingual metadata, publisher metrics and PostgreSQL search",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["ckanext.*"]) + ["ckanext.ogpcatalog.i18n"],
    # `i18n/` at the top level is the single home of the catalogues; the wheel ships it
    # inside the package so that an installed plugin finds it next to its code.
    package_dir={"ckanext.ogpcatalog.i18n": "i18n"},
    include_package_data=True,
    package_data={
        "ckanext.ogpcatalog": [
            "*.yaml",
            "*/*.yaml",
            "*/*.csv",
            "commitments/column_maps/*.yaml",
            "dcat/profile/*.yaml",
            "templates/**/*",
            "assets/**/*",
            "public/**/*",
            "demo/*.yaml",
            "codelists/*.yaml",
            "search/*.sql",
            "migration/*/*.ini",
            "migration/*/*.py",
            "migration/*/*.mako",
            "migration/*/versions/*.py",
        ],
        "ckanext.ogpcatalog.i18n": ["*.pot", "*/LC_MESSAGES/*.po", "*/LC_MESSAGES/*.mo"],
    },
    install_requires=CKAN_STACK,
    extras_require={"test": TEST_TOOLS},
    entry_points={
        "ckan.plugins": [
            "ogpcatalog = ckanext.ogpcatalog.plugin:OgpCatalogPlugin",
            "ogpcatalog_search = ckanext.ogpcatalog.search.plugin:PostgresSearchPlugin",
            "ogpcatalog_harvester = ckanext.ogpcatalog.dcat.harvester:OgpCatalogHarvester",
        ],
        "ckan.rdf.profiles": [
            "ogpcatalog = ckanext.ogpcatalog.dcat.profile:OgpCatalogProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
