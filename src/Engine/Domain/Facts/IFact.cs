using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Facts;

/// Something a person recorded as having happened. Who recorded it and when lives in the store's
/// metadata; the fact itself carries its id (the idempotency key) and its occurrence date (which
/// picks the rule set and the year).
public interface IFact
{
    FactId FactId { get; }
    DateOnly OccurredOn { get; }
}
