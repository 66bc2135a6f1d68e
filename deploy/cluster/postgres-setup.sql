-- The database, role and schema the gateways of a cluster share (deploy/README.md, "Run a
-- cluster"). Run once as a superuser; the role it makes is no superuser and owns only its schema:
--
--   sudo -u postgres psql -v password="$(cat gtcp-cluster-password)" -f postgres-setup.sql
--
-- The gateways create and migrate their tables in that schema at start-up (or a DBA applies
-- `gtcp-gateway cluster-schema` by hand as that role); LISTEN/NOTIFY and advisory locks need no
-- grant.

CREATE ROLE gtcp_gateway LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 100;
CREATE DATABASE gtcp;
REVOKE ALL ON DATABASE gtcp FROM PUBLIC;
GRANT CONNECT ON DATABASE gtcp TO gtcp_gateway;

\connect gtcp
-- Nothing in public for anyone (PostgreSQL 15 already withholds CREATE there).
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA gtcp_gateway AUTHORIZATION gtcp_gateway;
