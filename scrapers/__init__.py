"""A Scrapy news harvester: section and article pages to normalized JSON Lines."""
