package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads a flow_runs row ({@link FlowRunDao#COLUMNS}) into a {@link FlowRun} and its groups. Written
 * out rather than reflective: the record's groups do not follow the flat columns, and claims and
 * report batches read thousands of runs a second, where Jdbi's constructor mapper spent about 4 %
 * of the control plane's CPU matching columns and converting arguments.
 */
final class FlowRunMapper implements RowMapper<FlowRun> {

    /** Column positions, looked up once per result set by {@link #specialize}. */
    private final int[] at;

    FlowRunMapper() {
        this(null);
    }

    private FlowRunMapper(int[] at) {
        this.at = at;
    }

    private static final String[] COLUMNS = FlowRunDao.COLUMNS.split(",\\s*");

    @Override
    public RowMapper<FlowRun> specialize(ResultSet rs, StatementContext ctx) throws SQLException {
        int[] positions = new int[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) {
            positions[i] = rs.findColumn(COLUMNS[i]);
        }
        return new FlowRunMapper(positions);
    }

    @Override
    public FlowRun map(ResultSet rs, StatementContext ctx) throws SQLException {
        return (at == null ? (FlowRunMapper) specialize(rs, ctx) : this).read(rs);
    }

    // Indexes into COLUMNS, in FlowRunDao.COLUMNS order.
    private FlowRun read(ResultSet rs) throws SQLException {
        FlowRun.Origin origin = new FlowRun.Origin(uuid(rs, 2), rs.getString(at[3]), rs.getString(at[4]),
                uuid(rs, 27), uuid(rs, 28), rs.getString(at[25]));
        FlowRun.State state = new FlowRun.State(StateType.valueOf(rs.getString(at[9])), rs.getString(at[10]),
                rs.getString(at[11]), instant(rs, 12));
        long timeout = rs.getLong(at[18]);
        Long timeoutMs = rs.wasNull() ? null : timeout;
        FlowRun.Policy policy = new FlowRun.Policy(rs.getInt(at[16]), rs.getString(at[17]), timeoutMs);
        FlowRun.Lease lease = new FlowRun.Lease(rs.getString(at[19]), rs.getLong(at[20]), instant(rs, 21));
        FlowRun.Times times = new FlowRun.Times(instant(rs, 26), instant(rs, 14), instant(rs, 22), instant(rs, 23),
                instant(rs, 29));
        return new FlowRun(uuid(rs, 0), rs.getString(at[1]), origin, new FlowRun.Placement(uuid(rs, 5), uuid(rs, 6)),
                rs.getString(at[7]), rs.getString(at[8]), state, instant(rs, 13), rs.getInt(at[15]), policy, lease,
                times, rs.getLong(at[24]));
    }

    private UUID uuid(ResultSet rs, int column) throws SQLException {
        return rs.getObject(at[column], UUID.class);
    }

    private Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(at[column]);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
