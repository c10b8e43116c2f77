namespace PointsEngine.Store.Tests.Contract;

// Everything sent with an event comes back exactly; recorded-at comes from the store.
public abstract partial class EventStoreContract
{
    // Literal JSON escapes (kept as text, never decoded), real CJK, an astral-plane character, quotes,
    // a backslash, tabs and newlines, and trailing spaces.
    private const string TrickyData =
        "{\"title\":\"争创党员先锋示范岗\",\"escaped\":\"\\u4e2d\\u6587 \\\"q\\\" \\\\ \\n\\t\",\"raw\":\"三会一课\t\n\r🎖\",\"n\":1.50}  ";

    [Fact]
    public async Task an_event_reads_back_with_the_id_type_data_and_metadata_it_was_sent_with()
    {
        // Given
        var store = await StoreAsync();
        var metadata = new EventMetadata(new DateTimeOffset(2026, 2, 14, 19, 30, 5, TimeSpan.FromHours(8)), "支部书记 王芳")
        {
            CorrelationId = Guid.NewGuid(),
            CausationId = Guid.NewGuid(),
        };
        var sent = new EventData(Guid.NewGuid(), "V1.SuggestionAssessed", TrickyData, metadata);

        // When
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [sent]);

        // Then
        foreach (var read in new[] { Assert.Single(await ReadStream(store, MemberA)), Assert.Single(await ReadAll(store)) })
        {
            Assert.Equal(sent.EventId, read.EventId);
            Assert.Equal("V1.SuggestionAssessed", read.Type);
            Assert.Equal(TrickyData, read.Data);
            Assert.Equal("支部书记 王芳", read.Metadata.RecordedBy);
            Assert.Equal(metadata.CorrelationId, read.Metadata.CorrelationId);
            Assert.Equal(metadata.CausationId, read.Metadata.CausationId);
            Assert.Equal(metadata, read.Metadata);
        }
    }

    [Fact]
    public async Task missing_correlation_and_causation_ids_read_back_as_null()
    {
        // Given
        var store = await StoreAsync();
        var withOnlyCausation = new EventData(Guid.NewGuid(), "V1.Adjusted", "{}", Meta() with { CausationId = Guid.NewGuid() });

        // When
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [NewEvent(), withOnlyCausation]);

        // Then
        var read = await ReadStream(store, MemberA);
        Assert.Null(read[0].Metadata.CorrelationId);
        Assert.Null(read[0].Metadata.CausationId);
        Assert.Null(read[1].Metadata.CorrelationId);
        Assert.Equal(withOnlyCausation.Metadata.CausationId, read[1].Metadata.CausationId);
    }

    [Fact]
    public async Task occurred_at_reads_back_in_utc_to_the_microsecond()
    {
        // Given
        var store = await StoreAsync();
        // 19:30:05.1234567 in Beijing; the seventh fractional digit is below a microsecond.
        var occurred = new DateTimeOffset(2026, 2, 14, 19, 30, 5, TimeSpan.FromHours(8)).AddTicks(1_234_567);
        var sent = new EventData(Guid.NewGuid(), "V1.MeetingAttended", "{}", new EventMetadata(occurred, "secretary-wang"));

        // When
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [sent]);

        // Then
        var read = Assert.Single(await ReadStream(store, MemberA)).Metadata.OccurredAt;
        Assert.Equal(TimeSpan.Zero, read.Offset);
        Assert.Equal(new DateTimeOffset(2026, 2, 14, 11, 30, 5, TimeSpan.Zero).AddTicks(1_234_560), read);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("1949-10-01T15:00:00.0000010+08:00")] // before the Unix epoch
    [InlineData("1970-01-01T00:00:00.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59.9999990+00:00")]
    public async Task occurred_at_reads_back_exactly_across_the_whole_range(string iso)
    {
        // Given
        var store = await StoreAsync();
        var occurred = DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
        var sent = new EventData(Guid.NewGuid(), "V1.MeetingAttended", "{}", new EventMetadata(occurred, "secretary-wang"));

        // When
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [sent]);

        // Then
        var read = Assert.Single(await ReadStream(store, MemberA)).Metadata.OccurredAt;
        Assert.Equal(occurred.UtcDateTime, read.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, read.Offset);
    }

    [Fact]
    public async Task recorded_at_is_set_by_the_store_when_it_commits()
    {
        // Given
        var store = await StoreAsync();
        var before = DateTimeOffset.UtcNow.AddTicks(-10);

        // When two commits land five minutes apart
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));
        Clock.Advance(TimeSpan.FromMinutes(5));
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), NewEvents(1));
        var after = DateTimeOffset.UtcNow;

        // Then
        var read = await ReadStream(store, MemberA);
        Assert.All(read, e => Assert.Equal(TimeSpan.Zero, e.RecordedAt.Offset));
        Assert.All(read, e => Assert.Equal(0, e.RecordedAt.Ticks % 10));
        Assert.Equal(read[0].RecordedAt, read[1].RecordedAt);
        if (UsesContractClock)
        {
            var first = ClockOrigin.AddTicks(-7); // truncated to the microsecond
            Assert.Equal(first, read[0].RecordedAt);
            Assert.Equal(first.AddMinutes(5), read[2].RecordedAt);
        }
        else
        {
            Assert.All(read, e => Assert.InRange(e.RecordedAt, before, after));
        }
    }

    [Fact]
    public async Task a_large_payload_reads_back_exactly()
    {
        // Given
        var store = await StoreAsync();
        // About 3 MB of UTF-8: a year-end evidence export attached to one event is the realistic worst case.
        var data = "{\"evidence\":\"" + string.Concat(Enumerable.Repeat("民主评议党员🎖\\n", 100_000)) + "\"}";
        var sent = new EventData(Guid.NewGuid(), "V1.EvidenceAttached", data, Meta());

        // When
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [sent]);

        // Then
        Assert.Equal(data, Assert.Single(await ReadAll(store)).Data);
    }

    [Fact]
    public async Task a_stream_name_in_chinese_reads_back_unchanged()
    {
        // Given
        var store = await StoreAsync();
        var stream = new StreamName("branch-第一党支部");

        // When
        await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, NewEvents(1));

        // Then
        Assert.Equal(stream, Assert.Single(await ReadAll(store)).Stream);
        Assert.Single(await ReadStream(store, stream));
    }
}
