-- The harvester's JSON Lines read by DuckDB with the schema's column types (scrapers/schema/article.schema.json,
-- schema_version 1.3): articles('out/thoidai/*.jsonl') is every record of every file the glob names.
--
-- read_json_auto guesses each column's type from the first files and rows it reads: a field that is null in
-- all of them (credit, updated_at, a new site's published_at) is typed NULL and its later values are dropped
-- without an error, and a folder whose first files are the empty files of runs that found nothing new reads as
-- one column named json. Named types read every file the same way.
--
--   duckdb -c ".read scrapers/schema/articles.duckdb.sql" -c "SELECT count(*) FROM articles('out/*/*.jsonl')"
--   con.execute(Path("scrapers/schema/articles.duckdb.sql").read_text())     # from Python
CREATE OR REPLACE MACRO articles(files) AS TABLE
SELECT * FROM read_json(files, format = 'newline_delimited', columns = {
    url: 'VARCHAR',
    canonical_url: 'VARCHAR',
    site: 'VARCHAR',
    language: 'VARCHAR',
    section: 'VARCHAR[]',
    title: 'VARCHAR',
    published_at: 'TIMESTAMPTZ',
    published_raw: 'VARCHAR',
    published_date: 'DATE',
    updated_at: 'TIMESTAMPTZ',
    authors: 'VARCHAR[]',
    credit: 'VARCHAR',
    lead: 'VARCHAR',
    body: 'VARCHAR',
    tags: 'VARCHAR[]',
    images: 'STRUCT(url VARCHAR, alt VARCHAR, caption VARCHAR)[]',
    related: 'STRUCT(url VARCHAR, title VARCHAR, summary VARCHAR)[]',
    more_in_section: 'STRUCT(url VARCHAR, title VARCHAR, summary VARCHAR)[]',
    trending: 'STRUCT(rank INTEGER, url VARCHAR, title VARCHAR, summary VARCHAR)[]',
    sources: 'MAP(VARCHAR, VARCHAR)',
    scraped_at: 'TIMESTAMPTZ',
    version: 'INTEGER',
    schema_version: 'VARCHAR'
});
