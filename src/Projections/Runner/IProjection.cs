using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

/// One read model: its tables and how one logged event changes them. Apply must keep no state outside
/// its tables, so that a restart from the checkpoint (or a rebuild from position 0) reaches the same rows.
public interface IProjection
{
    /// Short lower-case name; part of every table name (rm_{name}_{generation}_{table}).
    string Name { get; }

    /// CREATE TABLE / CREATE INDEX statements, with {p} where the generation's table prefix goes.
    /// Changing them changes the schema fingerprint, and a stored model with another fingerprint is rebuilt.
    IReadOnlyList<string> Schema { get; }

    /// Whether Apply can change anything for this event, judged by its stream and stored type alone. The
    /// runner neither deserializes nor applies an event that no projection in the batch handles, so this
    /// must be true for every event Apply would write something for. The default handles every event.
    bool Handles(RecordedEvent e) => true;

    Task ApplyAsync(ProjectionWriter writer, RecordedEvent e, object payload, CancellationToken ct);

    /// Once a rebuild's fill has applied the log (with <see cref="ProjectionWriter.Filling"/>), before its plain
    /// indexes are created and before the events that arrived meanwhile are applied the ordinary way: derives
    /// in bulk the rows Apply left out while filling. The default has nothing to derive.
    Task CompleteFillAsync(ProjectionWriter writer, CancellationToken ct) => Task.CompletedTask;
}
