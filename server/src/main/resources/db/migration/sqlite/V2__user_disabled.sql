-- Global admins can disable an account: its tokens stop working and its sockets close.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
