-- The SQLite schema the migrations build, up to revision 0012.
-- Written by `python -m conference_tui.store.schema_at_head`; a test checks it.
-- revision: 0012

CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE school_class (
	id VARCHAR(36) NOT NULL, 
	name VARCHAR NOT NULL, 
	school_year VARCHAR DEFAULT '' NOT NULL, 
	archived BOOLEAN DEFAULT 0 NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, owner VARCHAR DEFAULT 'local' NOT NULL, default_form VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE student (
	id VARCHAR(36) NOT NULL, 
	class_id VARCHAR(36) NOT NULL, 
	name VARCHAR NOT NULL, 
	preferred_name VARCHAR DEFAULT '' NOT NULL, 
	interests VARCHAR DEFAULT '' NOT NULL, 
	strengths VARCHAR DEFAULT '' NOT NULL, 
	needs VARCHAR DEFAULT '' NOT NULL, 
	archived BOOLEAN DEFAULT 0 NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(class_id) REFERENCES school_class (id)
);

CREATE TABLE conference (
	id VARCHAR(36) NOT NULL, 
	student_id VARCHAR(36) NOT NULL, 
	form_id VARCHAR NOT NULL, 
	form_version INTEGER NOT NULL, 
	status VARCHAR DEFAULT 'draft' NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME, 
	updated_at DATETIME NOT NULL, 
	amended_at DATETIME, 
	piece_title VARCHAR DEFAULT '' NOT NULL, 
	genre VARCHAR DEFAULT '' NOT NULL, 
	process_stage VARCHAR DEFAULT '' NOT NULL, 
	follow_up_on DATE, 
	current_stage VARCHAR DEFAULT '' NOT NULL, 
	current_field VARCHAR DEFAULT '' NOT NULL, 
	elapsed_seconds INTEGER DEFAULT '0' NOT NULL, editor_id VARCHAR DEFAULT '' NOT NULL, editor_seen_at DATETIME, group_id VARCHAR(36), 
	PRIMARY KEY (id), 
	FOREIGN KEY(student_id) REFERENCES student (id)
);

CREATE TABLE answer (
	id VARCHAR(36) NOT NULL, 
	conference_id VARCHAR(36) NOT NULL, 
	stage_key VARCHAR NOT NULL, 
	field_key VARCHAR NOT NULL, 
	value TEXT DEFAULT '' NOT NULL, 
	private BOOLEAN DEFAULT 0 NOT NULL, 
	updated_at DATETIME NOT NULL, version INTEGER DEFAULT '1' NOT NULL, kind VARCHAR DEFAULT '' NOT NULL, by_student BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_answer_field UNIQUE (conference_id, field_key), 
	FOREIGN KEY(conference_id) REFERENCES conference (id)
);

CREATE TABLE answer_revision (
	id VARCHAR(36) NOT NULL, 
	answer_id VARCHAR(36) NOT NULL, 
	conference_id VARCHAR(36) NOT NULL, 
	field_key VARCHAR NOT NULL, 
	value TEXT NOT NULL, 
	private BOOLEAN NOT NULL, 
	replaced_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(answer_id) REFERENCES answer (id), 
	FOREIGN KEY(conference_id) REFERENCES conference (id)
);

CREATE TABLE habit_observation (
	conference_id VARCHAR(36) NOT NULL, 
	habit VARCHAR NOT NULL, 
	PRIMARY KEY (conference_id, habit), 
	FOREIGN KEY(conference_id) REFERENCES conference (id)
);

CREATE TABLE goal (
	id VARCHAR(36) NOT NULL, 
	student_id VARCHAR(36) NOT NULL, 
	text TEXT NOT NULL, 
	status VARCHAR DEFAULT 'active' NOT NULL, 
	set_by_conference_id VARCHAR(36), 
	closed_by_conference_id VARCHAR(36), 
	set_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(student_id) REFERENCES student (id), 
	FOREIGN KEY(set_by_conference_id) REFERENCES conference (id), 
	FOREIGN KEY(closed_by_conference_id) REFERENCES conference (id)
);

CREATE TABLE search_doc (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        student_id TEXT NOT NULL,
        conference_id TEXT,
        stage_key TEXT NOT NULL DEFAULT '',
        field_key TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT ''
    );

CREATE VIRTUAL TABLE search_fts USING fts5(
        body, content='search_doc', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
    );

CREATE TABLE class_share (
	class_id VARCHAR(36) NOT NULL, 
	teacher VARCHAR NOT NULL, 
	shared_by VARCHAR DEFAULT 'local' NOT NULL, 
	PRIMARY KEY (class_id, teacher), 
	FOREIGN KEY(class_id) REFERENCES school_class (id)
);

CREATE INDEX ix_student_class_name ON student (class_id, archived, name);

CREATE INDEX ix_conference_student_started ON conference (student_id, started_at);

CREATE INDEX ix_conference_started ON conference (started_at);

CREATE INDEX ix_conference_follow_up ON conference (follow_up_on);

CREATE INDEX ix_answer_conference_id ON answer (conference_id);

CREATE INDEX ix_answer_revision_answer_id ON answer_revision (answer_id);

CREATE INDEX ix_answer_revision_conference_id ON answer_revision (conference_id);

CREATE INDEX ix_goal_student_status ON goal (student_id, status);

CREATE INDEX ix_goal_set_by_conference_id ON goal (set_by_conference_id);

CREATE INDEX ix_conference_student_status_started ON conference (student_id, status, started_at);

CREATE UNIQUE INDEX ix_search_doc_ref ON search_doc (ref_id);

CREATE UNIQUE INDEX uq_conference_one_draft ON conference (student_id, form_id) WHERE status = 'draft';

CREATE INDEX ix_conference_group ON conference (group_id);

CREATE INDEX ix_goal_closed_by_conference_id ON goal (closed_by_conference_id);

CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
    END;

CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END;

CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN
        INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body);
    END;

CREATE TRIGGER answer_search_ai AFTER INSERT ON answer BEGIN
        INSERT INTO search_doc(id, kind, ref_id, student_id, conference_id, stage_key, field_key, body)
        SELECT coalesce((SELECT max(k.id) FROM search_doc k WHERE k.id >= (max(0, coalesce(CAST(strftime('%s', c.started_at) AS INTEGER), 0)) * 2097152) AND k.id < (max(0, coalesce(CAST(strftime('%s', c.started_at) AS INTEGER), 0)) * 2097152) + 2097152), (max(0, coalesce(CAST(strftime('%s', c.started_at) AS INTEGER), 0)) * 2097152) - 1) + 1, 'answer', new.id, c.student_id,
               new.conference_id, new.stage_key, new.field_key, new.value
        FROM conference c WHERE c.id = new.conference_id;
    END;

CREATE TRIGGER answer_search_au AFTER UPDATE OF value ON answer BEGIN
        UPDATE search_doc SET body = new.value WHERE ref_id = new.id;
    END;

CREATE TRIGGER answer_search_ad AFTER DELETE ON answer BEGIN
        DELETE FROM search_doc WHERE ref_id = old.id;
    END;

CREATE TRIGGER conference_search_au AFTER UPDATE OF started_at, student_id ON conference
    WHEN old.started_at IS NOT new.started_at OR old.student_id IS NOT new.student_id BEGIN
        DELETE FROM search_doc WHERE ref_id IN (SELECT a.id FROM answer a
                                                 WHERE a.conference_id = new.id);
        INSERT INTO search_doc(id, kind, ref_id, student_id, conference_id, stage_key, field_key, body)
        SELECT coalesce((SELECT max(k.id) FROM search_doc k WHERE k.id >= (max(0, coalesce(CAST(strftime('%s', new.started_at) AS INTEGER), 0)) * 2097152) AND k.id < (max(0, coalesce(CAST(strftime('%s', new.started_at) AS INTEGER), 0)) * 2097152) + 2097152), (max(0, coalesce(CAST(strftime('%s', new.started_at) AS INTEGER), 0)) * 2097152) - 1) + row_number() OVER (PARTITION BY max(0, coalesce(CAST(strftime('%s', new.started_at) AS INTEGER), 0)) ORDER BY a.rowid), 'answer', a.id, new.student_id,
               a.conference_id, a.stage_key, a.field_key, a.value
        FROM answer a WHERE a.conference_id = new.id;
    END;

CREATE TRIGGER goal_search_ai AFTER INSERT ON goal
    WHEN new.set_by_conference_id IS NULL BEGIN
        INSERT INTO search_doc(id, kind, ref_id, student_id, conference_id, stage_key, field_key, body)
        SELECT coalesce((SELECT min(k.id) FROM search_doc k WHERE k.id < 0), 0) - 1, 'goal', new.id, new.student_id, NULL, '', 'goal',
               new.text;
    END;

CREATE TRIGGER goal_search_au AFTER UPDATE OF text ON goal BEGIN
        UPDATE search_doc SET body = new.text WHERE ref_id = new.id;
    END;

CREATE TRIGGER goal_search_ad AFTER DELETE ON goal BEGIN
        DELETE FROM search_doc WHERE ref_id = old.id;
    END;

CREATE TRIGGER student_search_ai AFTER INSERT ON student BEGIN
        INSERT INTO search_doc(id, kind, ref_id, student_id, conference_id, stage_key, field_key, body)
        SELECT coalesce((SELECT min(k.id) FROM search_doc k WHERE k.id < 0), 0) - 1, 'student', new.id, new.id, NULL, '', '',
               new.name || ' ' || new.preferred_name || ' ' || new.interests || ' ' || new.strengths || ' ' || new.needs;
    END;

CREATE TRIGGER student_search_au
    AFTER UPDATE OF name, preferred_name, interests, strengths, needs ON student BEGIN
        UPDATE search_doc SET body = new.name || ' ' || new.preferred_name || ' ' || new.interests || ' ' || new.strengths || ' ' || new.needs WHERE ref_id = new.id;
    END;

CREATE TRIGGER student_search_ad AFTER DELETE ON student BEGIN
        DELETE FROM search_doc WHERE ref_id = old.id;
    END;
