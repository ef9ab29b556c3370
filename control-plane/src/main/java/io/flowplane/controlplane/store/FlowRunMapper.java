package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;

import java.sql.SQLException;

/** Reads a flow_runs row ({@link FlowRunDao#COLUMNS}) into a {@link FlowRun} and its groups. */
final class FlowRunMapper extends ColumnRowMapper<FlowRun> {

    FlowRunMapper() {
        super(FlowRunDao.COLUMNS);
    }

    // Indexes into FlowRunDao.COLUMNS.
    @Override
    FlowRun read(Row r) throws SQLException {
        FlowRun.Origin origin = new FlowRun.Origin(r.uuid(2), r.string(3), r.string(4), r.uuid(27), r.uuid(28),
                r.string(25));
        FlowRun.State state = new FlowRun.State(StateType.valueOf(r.string(9)), r.string(10), r.string(11),
                r.instant(12));
        FlowRun.Policy policy = new FlowRun.Policy(r.integer(16), r.string(17), r.nullableNumber(18));
        FlowRun.Lease lease = new FlowRun.Lease(r.string(19), r.number(20), r.instant(21));
        FlowRun.Times times = new FlowRun.Times(r.instant(26), r.instant(14), r.instant(22), r.instant(23),
                r.instant(29));
        return new FlowRun(r.uuid(0), r.string(1), origin, new FlowRun.Placement(r.uuid(5), r.uuid(6)), r.string(7),
                r.string(8), state, r.instant(13), r.integer(15), policy, lease, times, r.number(24));
    }
}
