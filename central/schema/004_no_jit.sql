-- vraudit central schema, version 4: no JIT compilation in this database.
--
-- PostgreSQL estimates the plans of the national views (versions 2 and 3)
-- at thousands of times what they cost, which is far above its
-- jit_above_cost, so it compiles them with LLVM first: seconds of
-- compiling for a query that runs in a fraction of one (rule_status over
-- 12,000 elements: 8.3 s with JIT, 0.34 s without). A session may still
-- SET jit = on. Changing a database's settings takes its owner: when the
-- role that migrates is not, the database keeps its own and says so;
-- vraudit's own queries turn JIT off for themselves in any case.
DO $$
BEGIN
	EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
	RAISE NOTICE 'jit is left as it is for database %: only its owner may change it (ALTER DATABASE % SET jit = off)',
	    current_database(), current_database();
END
$$;
