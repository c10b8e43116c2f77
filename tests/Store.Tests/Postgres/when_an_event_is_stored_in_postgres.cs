using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

[Collection(PostgresFixture.Collection)]
public sealed class when_an_event_is_stored_in_postgres(PostgresFixture pg)
{
    [Fact]
    public async Task its_payload_reads_back_character_for_character()
    {
        // Given payloads that a jsonb column would rewrite: spacing, key order, duplicate keys, escapes,
        // number formats, and text beyond ASCII (a hash chain will be computed over these bytes)
        var db = await pg.CreateDatabaseAsync("payload");
        await using var store = await OpenAsync(db);
        string[] payloads =
        [
            """{ "b" : 1,  "a" : 2 }""",
            """{"a":1,"a":2}""",
            """{"n":1.50,"e":1E3,"s":"\u515a\u652f\u90e8"}""",
            "{\"名称\":\"争创党员先锋示范岗\",\"emoji\":\"🎖️\"}\n",
            "not json at all\t",
            "",
        ];
        var events = payloads.Select(p => new EventData(Guid.NewGuid(), "V1.Raw", p,
            new EventMetadata(new DateTimeOffset(2026, 3, 5, 9, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4567), "书记 王"))).ToArray();

        // When they are appended and read back
        await store.AppendToStreamAsync(new StreamName("branch-1"), ExpectedRevision.NoStream, events);
        var read = await store.ReadAllAsync(LogPosition.Start).ToListAsync();

        // Then each payload is exactly what was sent, and the metadata keeps microseconds in UTC
        Assert.Equal(payloads, read.Select(e => e.Data));
        Assert.All(read, e => Assert.Equal(events[0].Metadata, e.Metadata));
        Assert.Equal(TimeSpan.Zero, read[0].Metadata.OccurredAt.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 1, 30, 15, 123, TimeSpan.Zero).AddTicks(4560), read[0].Metadata.OccurredAt);
    }
}
