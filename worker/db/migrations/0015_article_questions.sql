-- "Questions this article answers": written by the content team in front matter (`questions:`) or
-- added from the gap report; the engine learns them like resolved tickets. JSON array, as `tags`.
ALTER TABLE articles ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
