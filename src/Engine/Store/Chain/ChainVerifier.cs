namespace PointsEngine.Store.Chain;

/// One row as a backend reads it back for the chain. <see cref="Fields"/> is null when the stored values
/// cannot be read as an event any more (<see cref="Problem"/> says why); the naming fields are then
/// whatever could still be read.
internal sealed record StoredLink(
    LogPosition Position,
    ChainedFields? Fields,
    byte[]? Hash,
    string? Problem = null,
    string? Stream = null,
    StreamRevision? Revision = null,
    Guid? EventId = null)
{
    public static StoredLink Readable(ChainedFields fields, byte[]? hash) =>
        new(fields.Position, fields, hash, null, fields.Stream, new StreamRevision(fields.Revision), fields.EventId);
}

/// The walk both backends share: recompute every link in position order and name where it breaks.
internal static class ChainVerifier
{
    /// <param name="positionsAreGapless">True where a missing position can only mean a deleted event
    /// (SQLite hands out max(position) + 1); false where rollbacks leave gaps too (PostgreSQL).</param>
    public static async Task<ChainReport> VerifyAsync(
        IAsyncEnumerable<StoredLink> rows, bool positionsAreGapless, ChainVerifyOptions options, CancellationToken ct)
    {
        var walk = new Walk(positionsAreGapless, options);
        await foreach (var row in rows.WithCancellation(ct).ConfigureAwait(false))
            walk.Add(row);
        return walk.Finish();
    }

    private sealed class Walk(bool positionsAreGapless, ChainVerifyOptions options)
    {
        private readonly List<Broken> _breaks = [];
        private readonly List<StoredLink> _pending = [];
        private long _pendingCount;
        private long _found;
        private long _checked;
        private long _walked;

        // The hash the next row chains onto: its predecessor's stored hash (recomputed where it has none).
        // Null when the predecessor could not be read and had no hash: the next row cannot be checked.
        private byte[]? _carry = EventChain.Genesis.ToArray();

        // What the predecessor's hash should be, from its fields; tells a changed hash from changed fields.
        private byte[]? _previousRecomputed = EventChain.Genesis.ToArray();
        private Broken? _previousBreak;
        private long _previousPosition;
        private ChainHead? _head;
        private long _lastPosition;
        private StoredLink? _rowAtExpectedHead;

        // A break kept with what the reorder check needs: the row and the hash its slot chains onto.
        private sealed class Broken(StoredLink row, ChainDamage damage, string detail, byte[]? slotCarry)
        {
            public StoredLink Row { get; } = row;
            public ChainDamage Damage { get; set; } = damage;
            public string Detail { get; set; } = detail;
            public byte[]? SlotCarry { get; } = slotCarry;

            public ChainBreak ToBreak() =>
                new(Row.Position, Damage, Row.Stream, Row.Revision, Row.EventId, Detail);
        }

        public void Add(StoredLink row)
        {
            _walked++;
            _lastPosition = row.Position.Value;
            if (options.ExpectedHead is { } expected && expected.Position == row.Position)
                _rowAtExpectedHead = row;

            if (row.Hash is null && row.Problem is null)
                AddUnsealed(row);
            else
                AddSealed(row);

            _previousPosition = row.Position.Value;
            if (options.Progress is { } progress && options.ProgressEvery > 0 && _walked % options.ProgressEvery == 0)
                progress(_walked);
        }

        // Not sealed: the tail PostgreSQL has not sealed yet, unless a sealed row follows (then its hash
        // was removed, see FlushPending).
        private void AddUnsealed(StoredLink row)
        {
            var recomputed = _carry is null ? null : EventChain.Link(_carry, row.Fields!);
            if (_pending.Count < options.MaxBreaks) _pending.Add(row);
            _pendingCount++;
            _carry = recomputed;
            _previousRecomputed = recomputed;
            _previousBreak = null;
        }

        private void AddSealed(StoredLink row)
        {
            FlushPending();
            _checked++;
            var hash = row.Hash;
            if (row.Fields is not { } fields)
            {
                _previousBreak = Report(row, ChainDamage.ContentEdited, $"its stored fields cannot be read ({row.Problem})", null);
                _carry = LinkableOrNull(hash);
                _previousRecomputed = null;
                if (LinkableOrNull(hash) is { } problemHash) _head = new ChainHead(row.Position, problemHash);
                return;
            }

            var expected = _carry is null ? null : EventChain.Link(_carry, fields);
            Broken? broken = null;
            if (expected is not null && Same(expected, hash))
            {
                // Holds.
            }
            else if (_previousBreak is { } previous && _previousRecomputed is not null
                     && Same(EventChain.Link(_previousRecomputed, fields), hash))
            {
                // It chains onto what its predecessor's hash should be: the predecessor's fields are intact
                // and only its stored hash changed.
                previous.Damage = ChainDamage.HashEdited;
                previous.Detail = "its stored hash was changed; its fields still chain onto its predecessor";
            }
            else if (expected is null)
            {
                // Cannot be checked: its predecessor, already reported, left nothing to link onto.
            }
            else
            {
                var missing = row.Position.Value - _previousPosition - 1;
                var (damage, detail) = missing <= 0
                    ? (ChainDamage.ContentEdited, "its stored fields or hash no longer match what was sealed")
                    : positionsAreGapless
                        ? (ChainDamage.PredecessorDeleted, $"{Missing(missing)} before it deleted")
                        : (ChainDamage.EditedOrPredecessorDeleted,
                            $"its link fails after a gap of {missing} position(s): it was edited, or events before it were deleted");
                broken = Report(row, damage, detail, _carry);
            }

            _previousBreak = broken;
            _previousRecomputed = expected;
            _carry = LinkableOrNull(hash);
            if (LinkableOrNull(hash) is { } linkable) _head = new ChainHead(row.Position, linkable);
        }

        // Unsealed rows followed by a sealed one: sealing only ever extends a prefix, so their hashes were removed.
        private void FlushPending()
        {
            if (_pendingCount == 0) return;
            foreach (var row in _pending)
                _previousBreak = Report(row, ChainDamage.HashEdited, "its hash was removed, yet later events are sealed", null);
            _found += _pendingCount - _pending.Count;
            _checked += _pendingCount;
            _pending.Clear();
            _pendingCount = 0;
        }

        private Broken? Report(StoredLink row, ChainDamage damage, string detail, byte[]? slotCarry)
        {
            _found++;
            if (_breaks.Count >= options.MaxBreaks) return null;
            var broken = new Broken(row, damage, detail, slotCarry);
            _breaks.Add(broken);
            return broken;
        }

        public ChainReport Finish()
        {
            FindReordered();
            var breaks = _breaks.Select(b => b.ToBreak()).ToList();
            if (options.ExpectedHead is { } expected)
            {
                var headBreak = CheckExpectedHead(expected);
                if (headBreak is not null)
                {
                    _found++;
                    breaks.Add(headBreak);
                }
            }
            options.Progress?.Invoke(_walked);
            return new ChainReport(_checked, _pendingCount, _head,
                breaks.OrderBy(b => b.Position).Take(options.MaxBreaks).ToList(), _found);
        }

        private ChainBreak? CheckExpectedHead(ChainHead expected)
        {
            if (_rowAtExpectedHead is not { } row)
            {
                var detail = expected.Position.Value > _lastPosition
                    ? $"the head recorded at position {expected.Position} is gone; the log now ends at {_lastPosition}: the newest events were deleted"
                    : $"the event recorded as the head at position {expected.Position} is gone";
                return new ChainBreak(expected.Position, ChainDamage.Truncated, null, null, null, detail);
            }
            var actual = row.Hash is null ? "no hash" : Convert.ToHexStringLower(row.Hash);
            if (actual == expected.Hash) return null;
            return new ChainBreak(expected.Position, ChainDamage.HeadRewritten, row.Stream, row.Revision, row.EventId,
                $"the event at the recorded head carries {actual}, not the recorded {expected.Hash}: the chain up to it was rewritten");
        }

        // A swap leaves two breaks whose fields each hash correctly in the other's slot. Only breaks kept in
        // the report are compared (at most MaxBreaks squared links).
        private void FindReordered()
        {
            var candidates = _breaks
                .Where(b => b.Row.Fields is not null && b.SlotCarry is not null && b.Damage != ChainDamage.HashEdited)
                .ToList();
            foreach (var moved in candidates)
            {
                foreach (var slot in candidates)
                {
                    if (ReferenceEquals(moved, slot)) continue;
                    var there = EventChain.Link(slot.SlotCarry!, moved.Row.Fields! with { Position = slot.Row.Position });
                    if (!Same(there, slot.Row.Hash) && !Same(there, moved.Row.Hash)) continue;
                    moved.Damage = ChainDamage.Reordered;
                    moved.Detail = $"its fields belong at position {slot.Row.Position}: moved or swapped with the event there";
                    break;
                }
            }
        }

        private static byte[]? LinkableOrNull(byte[]? hash) => hash is { Length: EventChain.HashLength } ? hash : null;

        private static string Missing(long count) => count == 1 ? "the event" : $"{count} events";

        private static bool Same(byte[] a, byte[]? b) => b is not null && a.AsSpan().SequenceEqual(b);
    }
}
