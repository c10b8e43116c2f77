using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Dispatching;
using PointsEngine.Store;

namespace PointsEngine.Engine.Scoring;

/// Turns each logged fact into member commands, in log order. It folds what decisions depend on beyond
/// the member (the rule book, the closed years, the roster a rule set is applied to) as of each event's
/// position, so scoring is a function of the log alone.
public sealed class ScoringRouter(EventSerializer serializer, Func<RuleSetPublished, RuleSet> parseRuleSet)
{
    private readonly List<MemberId> _roster = [];
    private readonly HashSet<MemberId> _onRoster = [];
    private readonly SortedSet<int> _openedYears = [];

    public RuleBook Rules { get; private set; } = RuleBook.Empty;
    public OrganisationCalendar Calendar { get; private set; } = OrganisationCalendar.AllOpen;
    public int RosterSize => _roster.Count;
    public IReadOnlySet<int> OpenedYears => _openedYears;
    public long UnreadableRuleSets { get; private set; }

    /// Rebuilds the router as of <paramref name="upTo"/> from the organisation, rules and calendar streams,
    /// forgetting whatever it folded before (a restart goes back to the checkpoint).
    public async Task LoadAsync(IEventStore store, LogPosition upTo, CancellationToken ct)
    {
        _roster.Clear();
        _onRoster.Clear();
        _openedYears.Clear();
        Rules = RuleBook.Empty;
        Calendar = OrganisationCalendar.AllOpen;
        UnreadableRuleSets = 0;
        var earlier = new List<RecordedEvent>();
        foreach (var stream in new[] { FactStreams.Organisation, FactStreams.Rules, FactStreams.Calendar })
        {
            await foreach (var e in store.ReadStreamAsync(stream, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
            {
                if (e.Position > upTo) break;
                earlier.Add(e);
            }
        }
        foreach (var e in earlier.OrderBy(e => e.Position)) Route(e);
    }

    public IReadOnlyList<Delivery<MemberMessage>> Route(RecordedEvent recorded)
    {
        if (!FactStreams.HoldsRecordedFacts(recorded.Stream) || serializer.Deserialize(recorded) is not IFact fact) return [];

        switch (fact)
        {
            case RuleSetPublished published:
                RuleSet set;
                try
                {
                    set = parseRuleSet(published);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Validated before it was published; one that still does not parse is skipped rather
                    // than stopping all scoring behind it.
                    UnreadableRuleSets++;
                    return [];
                }
                Rules = Rules.With(set);
                return [.. _roster.Select(m => Deliver(
                    new ApplyRuleBook(m, published.Version, published.EffectiveFrom), $"{published.FactId.Value}", recorded))];

            case YearOpened opened:
                // Closed years stay frozen; reopening one opens it for the roster then.
                if (!_openedYears.Add(opened.Year) || Calendar.IsClosed(opened.Year)) return [];
                return OpenForRoster(opened.Year, recorded);

            case YearClosed:
                Calendar = OrganisationCalendar.Evolve(Calendar, fact);
                return [];

            case YearReopened reopened:
                Calendar = OrganisationCalendar.Evolve(Calendar, fact);
                return _openedYears.Contains(reopened.Year) ? OpenForRoster(reopened.Year, recorded) : [];

            case MemberEnrolled enrolled when _onRoster.Add(enrolled.Member):
                _roster.Add(enrolled.Member);
                // A member enrolled (or recorded late) into a year already under way gets its later opened
                // years too, as if they had been on the roster when those years opened.
                return
                [
                    .. FactRouting.Route(fact).Select(c => Deliver(c, fact.FactId.Value, recorded)),
                    .. _openedYears.Where(y => y > enrolled.OccurredOn.Year && !Calendar.IsClosed(y))
                        .Select(y => Deliver(new OpenYear(enrolled.Member, y), $"{YearOpened.Of(y).FactId.Value}", recorded)),
                ];
        }

        return [.. FactRouting.Route(fact).Select(c => Deliver(c, fact.FactId.Value, recorded))];
    }

    private List<Delivery<MemberMessage>> OpenForRoster(int year, RecordedEvent recorded) =>
        [.. _roster.Select(m => Deliver(new OpenYear(m, year), $"{YearOpened.Of(year).FactId.Value}", recorded))];

    // One message and one metadata per logged event, shared by all its deliveries (a meeting's 40 members):
    // they are immutable, and every delivery of the event has the same cause.
    private MemberMessageCause? _cause;

    private Delivery<MemberMessage> Deliver(MemberCommand command, string commandId, RecordedEvent cause)
    {
        if (_cause is not { } c || !ReferenceEquals(c.Event, cause))
            _cause = c = new MemberMessageCause(cause, new EventMetadata(cause.Metadata.OccurredAt, cause.Metadata.RecordedBy)
            {
                CorrelationId = cause.Metadata.CorrelationId ?? cause.EventId,
                CausationId = cause.EventId,
            });
        return new(command.Member.Value, new MemberMessage(command, Rules, Calendar), commandId, c.Metadata);
    }

    private sealed record MemberMessageCause(RecordedEvent Event, EventMetadata Metadata);
}
