using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Tests.Chain;

// The encoding is a stored format: every backend's writer, sealer and verifier share it (EventChain).
public sealed class when_an_event_is_encoded_for_the_chain
{
    private static readonly ChainedFields Example = new(
        new LogPosition(42), "member-1001", 7, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "V1.MeetingAttended",
        """{"points":2,"note":"主题党日"}""", 1_771_068_600_000_000, 1_771_068_601_234_567, "secretary-王",
        Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), null);

    [Fact]
    public void the_format_is_pinned_by_a_known_hash()
    {
        // Computed independently from the layout documented on EventChain. Changing it means every chain
        // already stored stops verifying: a new format needs a version.
        Assert.Equal(
            "fba538f8ab381b93c9c1a0fc1f160e7fdbf0703bb96ceefdb7bb16f4d26cb40b",
            Convert.ToHexStringLower(EventChain.Link(EventChain.Genesis, Example)));
    }

    [Fact]
    public void every_field_and_the_predecessor_change_the_hash()
    {
        var original = EventChain.Link(EventChain.Genesis, Example);
        ChainedFields[] changed =
        [
            Example with { Position = new LogPosition(43) },
            Example with { Stream = "member-1002" },
            Example with { Revision = 8 },
            Example with { EventId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950f") },
            Example with { Type = "V1.MeetingAttended2" },
            Example with { Data = """{"points":3,"note":"主题党日"}""" },
            Example with { OccurredAtMicroseconds = Example.OccurredAtMicroseconds + 1 },
            Example with { RecordedAtMicroseconds = Example.RecordedAtMicroseconds + 1 },
            Example with { RecordedBy = "secretary-李" },
            Example with { CorrelationId = null },
            Example with { CausationId = Guid.Empty },
        ];
        Assert.All(changed, fields => Assert.NotEqual(original, EventChain.Link(EventChain.Genesis, fields)));
        var predecessor = new byte[EventChain.HashLength];
        predecessor[^1] = 1;
        Assert.NotEqual(original, EventChain.Link(predecessor, Example));
    }

    [Fact]
    public void text_moved_across_a_field_boundary_changes_the_hash()
    {
        var a = Example with { Stream = "member-1", Type = "0V1.X" };
        var b = Example with { Stream = "member-10", Type = "V1.X" };
        Assert.NotEqual(EventChain.Link(EventChain.Genesis, a), EventChain.Link(EventChain.Genesis, b));
    }

    [Fact]
    public void a_missing_uuid_is_not_the_empty_uuid()
    {
        Assert.NotEqual(
            EventChain.Link(EventChain.Genesis, Example with { CausationId = null }),
            EventChain.Link(EventChain.Genesis, Example with { CausationId = Guid.Empty }));
    }
}
