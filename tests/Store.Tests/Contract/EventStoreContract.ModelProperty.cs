using FsCheck;
using FsCheck.Fluent;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Contract;

// Model-based property: random command sequences give the same outcomes and reads on the real store as
// on the reference model.
public abstract partial class EventStoreContract
{
    /// How many random sequences to run.
    protected virtual int ModelSequences => 100;

    protected virtual int ModelSequenceLength => 30;

    /// False: a fresh store per sequence. True: one store for the whole property, each sequence on streams
    /// of its own and reading the global log from the head it started at (for backends where a fresh store
    /// is slow to make). Sequences run one after another, so no other writer is in that part of the log.
    protected virtual bool ModelSharesOneStore => false;

    [Fact]
    public async Task the_store_gives_the_same_outcomes_and_reads_as_the_reference_model()
    {
        var shared = ModelSharesOneStore ? await StoreAsync() : null;
        var property = Prop.ForAll(StoreGenerators.Sequences(ModelSequenceLength), commands => RunBlocking(commands, shared));
        await Task.Run(() => PropertyRuns.Check(property, ModelSequences));
    }

    [Fact]
    public async Task appends_issued_without_waiting_give_the_reference_models_outcomes_in_the_order_issued()
    {
        var shared = ModelSharesOneStore ? await StoreAsync() : null;
        var property = Prop.ForAll(StoreGenerators.Sequences(ModelSequenceLength), commands => RunBlocking(commands, shared, pipelined: true));
        await Task.Run(() => PropertyRuns.Check(property, ModelSequences));
    }

    // FsCheck 3 runs properties synchronously; the store is async. This runs on a pool thread (see above),
    // where blocking cannot deadlock a synchronisation context.
    private void RunBlocking(StoreCommand[] commands, IEventStore? shared, bool pipelined = false) =>
        RunAgainstModelAsync(commands, shared, pipelined).GetAwaiter().GetResult();

    private async Task RunAgainstModelAsync(StoreCommand[] commands, IEventStore? shared, bool pipelined)
    {
        if (shared is not null)
        {
            await Run(new ModelRun(shared, $"seq{Guid.NewGuid():N}-", await shared.ReadHeadPositionAsync()));
            return;
        }

        await using var store = await CreateStoreAsync();
        await Run(new ModelRun(store, "", LogPosition.Start));

        Task Run(ModelRun run) => pipelined ? run.RunPipelinedAsync(commands) : run.RunAsync(commands);
    }

    private sealed class ModelRun(IEventStore store, string prefix, LogPosition start)
    {
        private readonly ReferenceStore _model = new();
        private readonly List<(StreamName Stream, EventData[] Events)> _sent = [];
        private readonly List<(int Step, AppendResult Result, Guid? LastEventId)> _results = [];
        private int _step;
        private int _events;

        private StreamName Stream(int index) => new($"{prefix}member-{index}");

        public async Task RunAsync(StoreCommand[] commands)
        {
            for (_step = 0; _step < commands.Length; _step++)
            {
                switch (commands[_step])
                {
                    case AppendCommand a: await AppendAsync(a); break;
                    case ReadStreamCommand r: await ReadStreamAsync(r); break;
                    case ReadAllCommand r: await ReadAllAsync(r); break;
                }
            }
            await CheckFinalStateAsync();
        }

        /// Appends issued one after another without waiting (so several share a group commit, each
        /// depending on the one before), compared with the model applied in the order issued. Reads are
        /// left out: they would wait for nothing in particular.
        public async Task RunPipelinedAsync(StoreCommand[] commands)
        {
            var issued = new List<(PreparedAppend Append, int Step, Task<object> Outcome)>();
            for (_step = 0; _step < commands.Length; _step++)
            {
                if (commands[_step] is not AppendCommand a) continue;
                var prepared = Prepare(a);
                issued.Add((prepared, _step, OutcomeOf(store.AppendToStreamAsync(prepared.Stream, prepared.Expected, prepared.Events))));
            }
            foreach (var (append, step, outcome) in issued)
            {
                _step = step;
                Compare(append, await outcome);
            }
            await CheckFinalStateAsync();
        }

        private sealed record PreparedAppend(
            StreamName Stream, ExpectedRevision Expected, EventData[] Events, ReferenceStore.Outcome ModelOutcome, string What);

        private async Task AppendAsync(AppendCommand command)
        {
            var prepared = Prepare(command);
            Compare(prepared, await OutcomeOf(store.AppendToStreamAsync(prepared.Stream, prepared.Expected, prepared.Events)));
        }

        /// Resolves the symbolic command against the model and applies it there.
        private PreparedAppend Prepare(AppendCommand command)
        {
            var (stream, events) = Resolve(command.Batch, Stream(command.Stream));
            var current = _model.RevisionOf(stream.Value);
            var expected = command.Expected switch
            {
                ExpectedKind.Any => ExpectedRevision.Any,
                ExpectedKind.NoStream => ExpectedRevision.NoStream,
                // There is no right exact revision for a missing stream: 0 is then a wrong one.
                ExpectedKind.ExactRight => ExpectedRevision.Exact(current ?? 0),
                _ => ExpectedRevision.Exact(WrongRevision(current, command.WrongBy)),
            };
            var what = $"step {_step}: append [{string.Join(", ", events.Select(e => e.Type))}] to {stream} expecting {expected}";
            var modelOutcome = _model.Append(stream.Value, expected, events.Select(e => (e.EventId, e.Type, e.Data)).ToList());
            return new PreparedAppend(stream, expected, events, modelOutcome, what);
        }

        private static async Task<object> OutcomeOf(Task<AppendResult> append)
        {
            try
            {
                return await append;
            }
            catch (AppendRejectedException e)
            {
                return e;
            }
        }

        private void Compare(PreparedAppend append, object storeOutcome)
        {
            switch (append.ModelOutcome, storeOutcome)
            {
                case (ReferenceStore.Appended m, AppendResult s)
                    when m.Revision == s.NextExpectedRevision?.Value && m.AlreadyCommitted == s.AlreadyCommitted:
                    _results.Add((_step, s, m.LastEventId));
                    break;
                case (ReferenceStore.WrongRevision m, WrongExpectedRevisionException s)
                    when m.Actual == s.ActualRevision?.Value && s.Stream == append.Stream && s.Expected == append.Expected:
                    break;
                case (ReferenceStore.IdConflict, EventIdConflictException s) when s.Stream == append.Stream:
                    break;
                default:
                    throw new Xunit.Sdk.XunitException(
                        $"{append.What}: the model says {append.ModelOutcome}, the store gave {Describe(storeOutcome)}");
            }
        }

        private static long WrongRevision(long? current, int by)
        {
            var wrong = (current ?? -1) + by;
            return wrong >= 0 ? wrong : (current ?? -1) + Math.Abs(by);
        }

        private (StreamName Stream, EventData[] Events) Resolve(BatchSpec spec, StreamName stream)
        {
            if (spec is not (FreshBatch or EmptyBatch) && _sent.Count == 0)
                spec = new FreshBatch(1);
            var resolved = spec switch
            {
                FreshBatch f => (stream, Fresh(f.Count)),
                ResendBatch r when r.ToItsOwnStream => Earlier(r.Earlier),
                ResendBatch r => (stream, Earlier(r.Earlier).Events),
                SliceOfBatch s => (stream, Slice(Earlier(s.Earlier).Events, s)),
                PartialDuplicate p => (stream, Mix(Earlier(p.Earlier).Events, p)),
                _ => (stream, Array.Empty<EventData>()),
            };
            if (resolved.Item2.Length > 0) _sent.Add(resolved);
            return resolved;
        }

        private (StreamName Stream, EventData[] Events) Earlier(int index) => _sent[index % _sent.Count];

        private static EventData[] Slice(EventData[] events, SliceOfBatch s)
        {
            var from = s.Start % events.Length;
            var slice = events.Skip(from).Take(s.Length).ToArray();
            if (s.Reversed) Array.Reverse(slice);
            return slice;
        }

        private EventData[] Mix(EventData[] events, PartialDuplicate p)
        {
            var kept = events.Take(p.Keep);
            var fresh = Fresh(p.New);
            return p.NewFirst ? [.. fresh, .. kept] : [.. kept, .. fresh];
        }

        private EventData[] Fresh(int count) =>
            Enumerable.Range(0, count).Select(i => new EventData(
                Guid.NewGuid(),
                $"V1.Step{_step}",
                $$"""{"event":{{++_events}},"note":"第{{_step}}步"}""",
                new EventMetadata(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(_events), "model")))
            .ToArray();

        private async Task ReadStreamAsync(ReadStreamCommand command)
        {
            var stream = Stream(command.Stream);
            var expected = _model.ReadStream(stream.Value, command.From, command.MaxCount);
            var actual = await ReadStream(store, stream, command.From, command.MaxCount);
            AssertSame($"step {_step}: {command}", expected, actual);
        }

        private async Task ReadAllAsync(ReadAllCommand command)
        {
            var whole = await ReadAll(store, start);
            AssertSame($"step {_step}: whole log", _model.Log, whole);
            var skip = command.AfterIndex % (_model.Log.Count + 1);
            var after = skip == 0 ? start : whole[skip - 1].Position;
            var actual = await ReadAll(store, after, command.MaxCount);
            AssertSame($"step {_step}: {command} (after {after})", _model.Log.Skip(skip).Take(command.MaxCount).ToList(), actual);
        }

        private async Task CheckFinalStateAsync()
        {
            _step = -1;
            var whole = await ReadAll(store, start);
            AssertSame("final log", _model.Log, whole);
            var positions = whole.ToDictionary(e => e.EventId, e => e.Position);
            foreach (var (step, result, lastId) in _results)
            {
                LogPosition? expected = lastId is { } id ? positions[id] : null;
                if (result.LastPosition != expected)
                    throw new Xunit.Sdk.XunitException(
                        $"step {step}: the append reported position {result.LastPosition}, its last event is at {expected}");
            }
            for (var i = 0; i < StoreGenerators.Streams; i++)
            {
                var stream = Stream(i);
                Assert.Equal(_model.RevisionOf(stream.Value), (await store.ReadStreamRevisionAsync(stream))?.Value);
                AssertSame($"final {stream}", _model.ReadStream(stream.Value, 0, int.MaxValue), await ReadStream(store, stream));
            }
            Assert.Equal(whole.Count > 0 ? whole[^1].Position : start, await store.ReadHeadPositionAsync());

            // A subscription from the start and one from the middle catch up to exactly the model's log.
            AssertSame("subscription from the start", _model.Log, await SubscribeAndTakeAsync(start, _model.Log.Count));
            var half = _model.Log.Count / 2;
            if (half > 0)
                AssertSame($"subscription after event {half - 1}", _model.Log.Skip(half).ToList(),
                    await SubscribeAndTakeAsync(whole[half - 1].Position, _model.Log.Count - half));
        }

        private async Task<List<RecordedEvent>> SubscribeAndTakeAsync(LogPosition after, int count)
        {
            var taken = new List<RecordedEvent>();
            if (count == 0) return taken;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await foreach (var e in store.SubscribeToAllAsync(after, timeout.Token))
                {
                    taken.Add(e);
                    if (taken.Count == count) break;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // Fewer events than the model has: the comparison reports which.
            }
            return taken;
        }

        private static void AssertSame(string what, IReadOnlyList<ReferenceStore.Event> expected, IReadOnlyList<RecordedEvent> actual)
        {
            var got = actual.Select(e => new ReferenceStore.Event(e.Stream.Value, e.Revision.Value, e.EventId, e.Type, e.Data)).ToList();
            if (!expected.SequenceEqual(got))
                throw new Xunit.Sdk.XunitException(
                    $"{what}: the model has [{string.Join(", ", expected.Select(Short))}], the store [{string.Join(", ", got.Select(Short))}]");
            for (var i = 1; i < actual.Count; i++)
                if (actual[i].Position <= actual[i - 1].Position)
                    throw new Xunit.Sdk.XunitException($"{what}: position {actual[i].Position} follows {actual[i - 1].Position}");
        }

        private static string Short(ReferenceStore.Event e) => $"{e.Stream}@{e.Revision}:{e.Type}";

        private static string Describe(object outcome) => outcome switch
        {
            WrongExpectedRevisionException w => $"WrongExpectedRevision(actual {w.ActualRevision?.ToString() ?? "none"})",
            Exception e => $"{e.GetType().Name}: {e.Message}",
            _ => outcome.ToString() ?? "",
        };
    }
}
