package io.flowplane.controlplane.store;

import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * A row mapper written out for a table's column list: the columns' positions are looked up once
 * per result set ({@link #specialize}), then each row is read by index. For the rows read
 * thousands of times a second, where Jdbi's reflective constructor mapper spent noticeable CPU,
 * and for records whose groups do not follow the flat columns.
 */
abstract class ColumnRowMapper<T> implements RowMapper<T> {

    /** A row reader bound to one result set's column positions. */
    interface Reader<T> {
        T read(Row row) throws SQLException;
    }

    /** The current row, read by the index of a column in the mapper's list. */
    static final class Row {
        private final ResultSet rs;
        private final int[] at;

        private Row(ResultSet rs, int[] at) {
            this.rs = rs;
            this.at = at;
        }

        String string(int column) throws SQLException {
            return rs.getString(at[column]);
        }

        int integer(int column) throws SQLException {
            return rs.getInt(at[column]);
        }

        long number(int column) throws SQLException {
            return rs.getLong(at[column]);
        }

        Long nullableNumber(int column) throws SQLException {
            long v = rs.getLong(at[column]);
            return rs.wasNull() ? null : v;
        }

        UUID uuid(int column) throws SQLException {
            return rs.getObject(at[column], UUID.class);
        }

        /** Instants are epoch milliseconds (see Store's column mapper). */
        Instant instant(int column) throws SQLException {
            long millis = rs.getLong(at[column]);
            return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
        }
    }

    private final String[] columns;

    /** {@code columnList}: the SELECT list the reader's indexes refer to, comma separated. */
    ColumnRowMapper(String columnList) {
        this.columns = columnList.split(",\\s*");
    }

    abstract T read(Row row) throws SQLException;

    @Override
    public RowMapper<T> specialize(ResultSet rs, StatementContext ctx) throws SQLException {
        int[] at = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            at[i] = rs.findColumn(columns[i]);
        }
        Row row = new Row(rs, at);
        return (r, c) -> read(row);
    }

    @Override
    public T map(ResultSet rs, StatementContext ctx) throws SQLException {
        return specialize(rs, ctx).map(rs, ctx);
    }
}
