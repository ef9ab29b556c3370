package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.TaskRun;
import io.flowplane.controlplane.state.StateType;

import java.sql.SQLException;

/** Reads a task_runs row ({@link ReportDao#TASK}) into a {@link TaskRun} and its groups. */
final class TaskRunMapper extends ColumnRowMapper<TaskRun> {

    TaskRunMapper() {
        super(ReportDao.TASK);
    }

    // Indexes into ReportDao.TASK.
    @Override
    TaskRun read(Row r) throws SQLException {
        return new TaskRun(r.uuid(0), r.uuid(1), r.string(2), r.string(3),
                new TaskRun.State(StateType.valueOf(r.string(4)), r.string(5), r.string(6)),
                new TaskRun.Result(r.string(7), r.string(8), r.string(9)), r.integer(10), r.string(11),
                new TaskRun.Times(r.instant(12), r.instant(13), r.instant(14), r.instant(15)));
    }
}
