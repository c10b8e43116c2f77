using Akka.Actor;
using Akka.Persistence;

namespace PointsEngine.Engine.Tests.Persistence;

/// #17: the behaviours Akka.Persistence asks of a snapshot store, through the store actor's protocol.
public abstract partial class PersistenceContract
{
    private static readonly DateTime T0 = new(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    private IActorRef Snapshots => Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);

    /// Saves snapshots "s-{seq}" at sequence numbers 10, 20, 30, 40, one minute apart.
    private void SaveFour(string pid)
    {
        for (var i = 1; i <= 4; i++) Save(pid, i * 10, T0.AddMinutes(i), $"s-{i * 10}");
    }

    private void Save(string pid, long seq, DateTime at, object snapshot)
    {
        Snapshots.Tell(new SaveSnapshot(new SnapshotMetadata(pid, seq, at), snapshot), TestActor);
        ExpectMsg<SaveSnapshotSuccess>(s => s.Metadata.SequenceNr == seq);
    }

    private SelectedSnapshot? Load(string pid, SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue)
    {
        Snapshots.Tell(new LoadSnapshot(pid, criteria, toSequenceNr), TestActor);
        return ExpectMsg<LoadSnapshotResult>().Snapshot;
    }

    [Fact]
    public void the_latest_snapshot_loads_with_its_metadata()
    {
        SaveFour("s-latest");

        var loaded = Load("s-latest", SnapshotSelectionCriteria.Latest);

        Assert.NotNull(loaded);
        Assert.Equal("s-40", loaded.Snapshot);
        Assert.Equal(40, loaded.Metadata.SequenceNr);
        Assert.Equal("s-latest", loaded.Metadata.PersistenceId);
        Assert.Equal(T0.AddMinutes(4), loaded.Metadata.Timestamp);
    }

    [Fact]
    public void a_snapshot_loads_by_sequence_number_bound()
    {
        SaveFour("s-seq");

        Assert.Equal("s-20", Load("s-seq", new SnapshotSelectionCriteria(25))?.Snapshot);
        Assert.Equal("s-30", Load("s-seq", new SnapshotSelectionCriteria(30))?.Snapshot);
        Assert.Equal("s-20", Load("s-seq", SnapshotSelectionCriteria.Latest, toSequenceNr: 29)?.Snapshot);
    }

    [Fact]
    public void a_snapshot_loads_by_timestamp_bound()
    {
        SaveFour("s-time");

        var loaded = Load("s-time", new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(2).AddSeconds(30)));

        Assert.Equal("s-20", loaded?.Snapshot);
    }

    [Fact]
    public void none_loads_for_an_unknown_id_or_bounds_below_the_first()
    {
        SaveFour("s-none");

        Assert.Null(Load("s-unknown", SnapshotSelectionCriteria.Latest));
        Assert.Null(Load("s-none", new SnapshotSelectionCriteria(9)));
        Assert.Null(Load("s-none", new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(1).AddSeconds(-1))));
        Assert.Null(Load("s-none", SnapshotSelectionCriteria.None));
    }

    [Fact]
    public void deleting_by_metadata_removes_exactly_that_snapshot()
    {
        SaveFour("s-del-one");

        var metadata = new SnapshotMetadata("s-del-one", 40, T0.AddMinutes(4));
        Snapshots.Tell(new DeleteSnapshot(metadata), TestActor);
        ExpectMsg<DeleteSnapshotSuccess>();

        Assert.Equal("s-30", Load("s-del-one", SnapshotSelectionCriteria.Latest)?.Snapshot);
        Assert.Equal("s-20", Load("s-del-one", new SnapshotSelectionCriteria(20))?.Snapshot);
    }

    [Fact]
    public void deleting_by_criteria_removes_exactly_what_matches()
    {
        SaveFour("s-del-some");

        Snapshots.Tell(new DeleteSnapshots("s-del-some", new SnapshotSelectionCriteria(30, DateTime.MaxValue, 20, null)), TestActor);
        ExpectMsg<DeleteSnapshotsSuccess>();

        Assert.Equal("s-40", Load("s-del-some", SnapshotSelectionCriteria.Latest)?.Snapshot);
        Assert.Equal("s-10", Load("s-del-some", new SnapshotSelectionCriteria(39))?.Snapshot);

        Snapshots.Tell(new DeleteSnapshots("s-del-some", SnapshotSelectionCriteria.Latest), TestActor);
        ExpectMsg<DeleteSnapshotsSuccess>();
        Assert.Null(Load("s-del-some", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public void saving_twice_at_one_sequence_number_overwrites()
    {
        Save("s-twice", 10, T0, "first");
        Save("s-twice", 10, T0.AddMinutes(1), "second");

        var loaded = Load("s-twice", SnapshotSelectionCriteria.Latest);

        Assert.Equal("second", loaded?.Snapshot);
        Snapshots.Tell(new DeleteSnapshot(new SnapshotMetadata("s-twice", 10, T0.AddMinutes(1))), TestActor);
        ExpectMsg<DeleteSnapshotSuccess>();
        Assert.Null(Load("s-twice", SnapshotSelectionCriteria.Latest)); // no older copy at 10 is left behind
    }

    [Fact]
    public void a_large_snapshot_round_trips()
    {
        var large = string.Create(2_000_000, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)('a' + i % 26);
        });
        Save("s-large", 1, T0, large);

        Assert.Equal(large, Load("s-large", SnapshotSelectionCriteria.Latest)?.Snapshot);
    }
}
