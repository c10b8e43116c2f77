using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using PointsEngine.Api.Access;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Writing;

/// The one path every write takes, so each endpoint only turns its request into a fact:
///
/// 1. the Idempotency-Key header gives the fact id (derived with the caller's subject);
/// 2. the endpoint builds the fact (400 for malformed fields, 404 for what it must look up);
/// 3. the caller's branch scope (403);
/// 4. a fact with this id already recorded: the same fact answers with the first result, another is 422;
/// 5. the domain's pre-checks (400) and the organisation directory (404 / 409 / 400), closed years (409),
///    then a secretary's reach over the members concerned (403, 409: SecretaryReach, #16 finding 2.4);
/// 6. back-pressure: 503 with Retry-After while scoring lags too far behind, while too many appends wait
///    for the store, or when the store does not confirm an append in time;
/// 7. append (organisation and calendar facts at the directory's expected revision), then answer —
///    after the fact is durable, and with `?wait=true` after it is scored.
///
/// Step 4 reads the fact's stream. For a fact the engine records on its own (most writes: no expected
/// revision, no companions, nothing stored beforehand) that read is left out of the path of a new write:
/// the store's append is idempotent by event id and says when the fact was already committed, and the
/// stream is read only then, or when step 5 or 6 would refuse — so a retry is still answered with the
/// first result, whatever the checks now say.
///
/// Nothing is written unless every check passes; a meeting is one fact, so its whole attendance list is
/// recorded or none of it.
public sealed class FactWriter(
    ScoringHost scoring,
    ProjectionHost projections,
    IEventStore store,
    EventSerializer serializer,
    OrganisationDirectory directory,
    IFactLookup lookup,
    IOptions<ApiSettings> settings,
    IOptions<AccessSettings> access,
    TimeProvider clock)
{
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxDirectoryAttempts = 3;
    private static readonly string RetryAfterBusySeconds = ApiExceptionHandler.RetryAfterStoreSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private const string RetryAfterBacklogSeconds = "5";
    private static readonly TimeSpan HeadReadInterval = TimeSpan.FromMilliseconds(20);

    private readonly SemaphoreSlim _appendSlots = new(Math.Max(1, settings.Value.MaxWritesInFlight));
    private long _head;
    private long _headReadAt;

    public async Task<Results<Created<FactRecorded>, ProblemHttpResult>> RecordAsync(WriteOptions write, BuildFact build, CancellationToken ct)
    {
        if (IdempotencyKeys.Check(write.IdempotencyKey) is { } badKey) return badKey.ToResult();
        var caller = Caller.From(write.Http.User);
        var id = IdempotencyKeys.FactIdFor(caller.Subject, write.IdempotencyKey!);

        // Built once to learn its stream; facts of the directory's streams are built again below, against
        // the snapshot they are appended at.
        var draft = await build(id, directory.Current, ct).ConfigureAwait(false);
        if (draft.Problem is { } malformed) return malformed.ToResult();
        var stream = FactStreams.For(draft.Fact!);
        if (!OrganisationDirectory.Holds(stream) && draft.Expected is null)
            return await RecordAsync(write, caller, draft, stream, directory.Current, expected: null, ct).ConfigureAwait(false);
        if (!OrganisationDirectory.Holds(stream))
        {
            // A workflow step decided against its stream (a claim, a notice): appended at the revision it was
            // decided at; another writer in between means deciding again on what is now recorded.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RecordAsync(write, caller, draft, stream, directory.Current, draft.Expected, ct).ConfigureAwait(false);
                }
                catch (WrongExpectedRevisionException) when (attempt < MaxDirectoryAttempts)
                {
                    draft = await build(id, directory.Current, ct).ConfigureAwait(false);
                    if (draft.Problem is { } problem) return problem.ToResult();
                }
            }
        }

        // Organisation, calendar and rules: checked against the directory and appended at the revision
        // it was checked at, so two requests (or two processes) cannot both enrol the same member.
        await directory.WriteGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = await directory.CatchUpAsync(stream, ct).ConfigureAwait(false);
                draft = await build(id, snapshot, ct).ConfigureAwait(false);
                if (draft.Problem is { } problem) return problem.ToResult();
                var expected = snapshot.RevisionOf(stream) is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
                try
                {
                    return await RecordAsync(write, caller, draft, stream, snapshot, expected, ct).ConfigureAwait(false);
                }
                catch (WrongExpectedRevisionException) when (attempt < MaxDirectoryAttempts)
                {
                    // Another process wrote meanwhile: catch up and check again.
                }
            }
        }
        finally
        {
            directory.WriteGate.Release();
        }
    }

    private async Task<Results<Created<FactRecorded>, ProblemHttpResult>> RecordAsync(
        WriteOptions write, Caller caller, Draft draft, StreamName stream, OrganisationSnapshot snapshot, ExpectedRevision? expected, CancellationToken ct)
    {
        var fact = draft.Fact!;
        IReadOnlyList<IFact> all = [.. draft.Companions, fact];
        foreach (var each in all)
            if (FactAccess.Check(caller, each, snapshot) is { } forbidden) return forbidden.ToResult();

        // At a known revision, or with companions, the append is ours; otherwise the engine records the fact.
        var appendHere = expected is not null || draft.Companions.Count > 0;
        // The store finds a retry of what the engine records (see the summary); everything else is looked up first.
        var retryFoundByAppend = !appendHere && draft.Prepare is null && !OrganisationDirectory.Holds(stream);
        if (!retryFoundByAppend && await FindOwnAsync(fact, stream, snapshot, ct).ConfigureAwait(false) is { } first)
            return await ReplayAsync(write, fact, first, ct).ConfigureAwait(false);

        // A refusal below is for a new fact only: a retry of one already recorded answers with its first result.
        async Task<Results<Created<FactRecorded>, ProblemHttpResult>> RefuseAsync(ApiProblem problem, string? retryAfter)
        {
            if (retryFoundByAppend && await FindOwnAsync(fact, stream, snapshot, ct).ConfigureAwait(false) is { } recorded)
                return await ReplayAsync(write, fact, recorded, ct).ConfigureAwait(false);
            if (retryAfter is not null) write.Http.Response.Headers.RetryAfter = retryAfter;
            return problem.ToResult();
        }

        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        foreach (var each in all)
        {
            if (Precheck(each) is { } invalid) return await RefuseAsync(invalid, null).ConfigureAwait(false);
            if (FactConsistency.Check(each, snapshot, today) is { } inconsistent) return await RefuseAsync(inconsistent, null).ConfigureAwait(false);
            // After the directory's checks, so an attendee of another branch is still named as such (400).
            if (FactAccess.Reach(caller, each, snapshot, today, access.Value.FormerMemberGraceDays) is { } outOfReach)
                return await RefuseAsync(outOfReach, null).ConfigureAwait(false);
        }
        if (await BacklogAsync(ct).ConfigureAwait(false) is { } busy) return await RefuseAsync(busy, RetryAfterBacklogSeconds).ConfigureAwait(false);

        // Back-pressure on the store: at most MaxWritesInFlight appends wait for their commit at once; one
        // more is refused at once instead of queueing without bound behind a stalled database.
        if (!_appendSlots.Wait(0))
        {
            return await RefuseAsync(new ApiProblem(StatusCodes.Status503ServiceUnavailable, "writes-saturated",
                "同时等待写入的请求过多，请稍后重试。", "Too many writes are waiting for the store; retry shortly."), RetryAfterBusySeconds).ConfigureAwait(false);
        }
        Task<AppendResult> append;
        var prepared = false;
        try
        {
            // Whatever the fact refers to outside the log (a claim's attachments) is stored first, and only
            // once every check has passed and the append has its slot (#16 finding 2.5: a refused write
            // leaves nothing behind).
            if (draft.Prepare is { } prepare)
            {
                prepared = true;
                await prepare(ct).ConfigureAwait(false);
            }
            // The first fact dated in a year opens it for the whole roster (RecordAsync does this on its own path).
            if (appendHere)
                foreach (var each in all) await scoring.Engine.OpenYearOfAsync(each, ct).ConfigureAwait(false);
            // Not cancelled with the request: a started append may commit anyway, and its slot is held
            // until it has (so appends stuck in a stalled store keep counting against the limit).
            // Companions go first, so the fact's own position (what a replay answers with) is the batch's last.
            append = appendHere
                ? store.AppendToStreamAsync(stream, expected ?? ExpectedRevision.Any,
                    [.. all.Select(f => ToEventData(f, caller.Subject))], CancellationToken.None)
                : scoring.Engine.RecordAsync(fact, caller.Subject, CancellationToken.None);
        }
        catch
        {
            _appendSlots.Release();
            if (prepared) await DiscardAsync(draft).ConfigureAwait(false);
            throw;
        }
        _ = append.ContinueWith(static (_, slots) => ((SemaphoreSlim)slots!).Release(), _appendSlots,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        AppendResult result;
        try
        {
            result = await append.WaitAsync(TimeSpan.FromSeconds(settings.Value.AppendTimeoutSeconds), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Not acknowledged. It may still commit: a retry with the same key then answers with it.
            write.Http.Response.Headers.RetryAfter = RetryAfterBusySeconds;
            return new ApiProblem(StatusCodes.Status503ServiceUnavailable, "store-busy",
                $"数据库在 {settings.Value.AppendTimeoutSeconds:0.#} 秒内未确认写入，本次未记录确认；请用同一 Idempotency-Key 重试（不会重复记录）。",
                $"The store did not confirm the write within {settings.Value.AppendTimeoutSeconds:0.#} s; retry with the same Idempotency-Key (it is never recorded twice).").ToResult();
        }
        catch (EventIdConflictException)
        {
            // The id is committed in another stream: the key was used for a different kind of request.
            if (prepared) await DiscardAsync(draft).ConfigureAwait(false);
            return KeyReused(fact, null).ToResult();
        }
        catch (Exception) when (prepared && append.IsCompleted)
        {
            // The store refused or failed this append (a revision conflict, which the caller may decide
            // again, or an error): not committed, so what was stored for it goes.
            await DiscardAsync(draft).ConfigureAwait(false);
            throw;
        }
        NoteHead(result.LastPosition);
        if (result.AlreadyCommitted)
        {
            // A concurrent retry won the race: answer as a replay of what it wrote.
            var winner = await lookup.FindInStreamAsync(fact.FactId, stream, ct).ConfigureAwait(false);
            if (winner is not null) return await ReplayAsync(write, fact, winner, ct).ConfigureAwait(false);
        }
        if (OrganisationDirectory.Holds(stream)) await directory.CatchUpAsync(stream, ct).ConfigureAwait(false);

        var position = result.LastPosition ?? throw new InvalidOperationException("The store returned no position for a committed append.");
        return TypedResults.Created((string?)null, await AnswerAsync(write, fact, stream, position, ct).ConfigureAwait(false));
    }

    // Not cancelled with the request: the files of a refused write go whether or not its client waits.
    private static Task DiscardAsync(Draft draft) => draft.Discard?.Invoke(CancellationToken.None) ?? Task.CompletedTask;

    private async Task<Results<Created<FactRecorded>, ProblemHttpResult>> ReplayAsync(WriteOptions write, IFact fact, RecordedFact first, CancellationToken ct)
    {
        if (first.Fact.GetType() != fact.GetType() || Canonical(first.Fact) != Canonical(fact))
            return KeyReused(fact, first.Fact).ToResult();
        write.Http.Response.Headers[ReplayedHeader] = "true";
        return TypedResults.Created((string?)null, await AnswerAsync(write, first.Fact, first.Stream, first.Position, ct).ConfigureAwait(false));
    }

    private async Task<FactRecorded> AnswerAsync(WriteOptions write, IFact fact, StreamName stream, LogPosition position, CancellationToken ct)
    {
        var scored = false;
        if (write.Wait == true && scoring.Running)
        {
            var deadline = clock.GetTimestamp() + (long)(settings.Value.WaitSeconds * clock.TimestampFrequency);
            TimeSpan Left() => TimeSpan.FromTicks(Math.Max(0, (deadline - clock.GetTimestamp()) * TimeSpan.TicksPerSecond / clock.TimestampFrequency));
            try
            {
                await scoring.Engine.WaitUntilScoredAsync(position, ct).WaitAsync(Left(), ct).ConfigureAwait(false);
                // Scored means the awards are appended; visible means the read models have applied them.
                if (projections.CanWait)
                {
                    var awarded = await store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
                    await projections.WaitForAsync(awarded, ct).WaitAsync(Left(), ct).ConfigureAwait(false);
                }
                scored = true;
            }
            catch (TimeoutException)
            {
                // Durable but not yet scored and visible: the answer says so and the client may read again later.
            }
        }
        return new FactRecorded(fact.FactId.Value, stream.Value, position.Value, scored);
    }

    private async Task<RecordedFact?> FindOwnAsync(IFact fact, StreamName stream, OrganisationSnapshot snapshot, CancellationToken ct)
    {
        if (!OrganisationDirectory.Holds(stream)) return await lookup.FindInStreamAsync(fact.FactId, stream, ct).ConfigureAwait(false);
        // The directory indexes its streams' facts: read the one event instead of the whole stream.
        if (!snapshot.Facts.TryGetValue(fact.FactId, out var at)) return null;
        await foreach (var e in store.ReadStreamAsync(at.Stream, at.Revision, 1, ct).ConfigureAwait(false))
            if (serializer.Deserialize(e) is IFact recorded)
                return new RecordedFact(recorded, e.Stream, e.Revision, e.Position, e.Metadata.RecordedBy);
        return null;
    }

    private async Task<ApiProblem?> BacklogAsync(CancellationToken ct)
    {
        var max = settings.Value.MaxScoringBacklog;
        // The dispatching node knows how far scoring is; the others leave the bound to it.
        if (max <= 0 || !scoring.Running || !scoring.Engine.Dispatching) return null;
        var head = await HeadAsync(ct).ConfigureAwait(false);
        if (head - scoring.Engine.ScoredUpTo.Value <= max) return null;
        return new ApiProblem(StatusCodes.Status503ServiceUnavailable, "scoring-backlog",
            "积分计算积压过多，请稍后重试。", "Scoring is too far behind the log; retry shortly.");
    }

    /// The log's head for the backlog check: read from the store at most once per <see cref="HeadReadInterval"/>
    /// (not a reader connection and a query per write) and raised at once by this process's own
    /// appends, so it lags other writers (scoring's awards, other processes) by at most that interval.
    private async ValueTask<long> HeadAsync(CancellationToken ct)
    {
        var readAt = Volatile.Read(ref _headReadAt);
        if (readAt != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(readAt) < HeadReadInterval) return Volatile.Read(ref _head);
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        NoteHead(await store.ReadHeadPositionAsync(ct).ConfigureAwait(false));
        Volatile.Write(ref _headReadAt, startedAt);
        return Volatile.Read(ref _head);
    }

    private void NoteHead(LogPosition? position)
    {
        if (position is not { } p) return;
        var seen = Volatile.Read(ref _head);
        while (p.Value > seen)
        {
            var was = Interlocked.CompareExchange(ref _head, p.Value, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    /// The domain's pre-checks of a fact as a problem (also `facts amend`'s).
    internal static ApiProblem? Precheck(IFact fact)
    {
        var problems = FactChecks.Problems(fact);
        if (problems.Count == 0) return null;
        var errors = new FieldErrors();
        foreach (var p in problems) errors.Add(FieldOf(p.Code), p.Code, p.Chinese, p.English);
        return errors.ToProblem();
    }

    // FactChecks names problems by code; the request field each code is about.
    private static string FieldOf(string code) => code switch
    {
        "empty-attendance" or "duplicate-attendance" => "attendance",
        "invalid-hours" => "hours",
        "zero-adjustment" => "points",
        "missing-reason" => "reason",
        "missing-approver" => "approver",
        "self-revocation" or "no-members" => "target",
        "invalid-year" => "year",
        _ => "$",
    };

    private static ApiProblem KeyReused(IFact fact, IFact? first) => ApiProblem.Field(StatusCodes.Status422UnprocessableEntity,
        IdempotencyKeys.Header, "idempotency-key-reused",
        $"该 Idempotency-Key 已用于另一个不同的请求（已登记事实 {fact.FactId}{(first is null ? "" : $"，类型 {first.GetType().Name}")}），未写入任何内容；新的操作请使用新的键。",
        $"This Idempotency-Key was already used for a different request (recorded as fact {fact.FactId}{(first is null ? "" : $", a {first.GetType().Name}")}); nothing was written. Use a new key for a new operation.");

    private string Canonical(IFact fact) => JsonConvert.SerializeObject(fact, serializer.SerializerSettings);

    // As ScoringEngine.RecordAsync writes it; here with an expected revision instead of "any".
    private EventData ToEventData(IFact fact, string recordedBy) => serializer.ToEventData(
        FactStreams.EventIdOf(fact), fact,
        new EventMetadata(new DateTimeOffset(fact.OccurredOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), recordedBy));
}
