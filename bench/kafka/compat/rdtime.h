/* Intentionally empty: rd_clock() lives in rd.h (bench/kafka/compat). */
