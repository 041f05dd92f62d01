using FhirPractice.Fhir;
using FhirPractice.Inventory.Ledger;
using FhirPractice.Inventory.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Tests;

/// <summary>
/// Random sequences of stock movements — receipts, consumptions, transfers, adjustments, at random (so often
/// backdated) times, and corrections and deletions of earlier ones — through the ledger: after every step the
/// projection equals a replay of the ledger, never goes negative, and holds exactly the accepted events, and a
/// movement is refused exactly when a replay with it would go below zero somewhere.
/// </summary>
public class StockLedgerPropertyTests
{
    /// <param name="Target">Which earlier event a correction or deletion replaces (modulo the events so far).</param>
    public sealed record Step(int Kind, int Item, int From, int To, int Lot, int Quantity, int Day, int Target);

    private static readonly string[] Items = ["Medication/m1", "Device/d1"];
    private static readonly string[] Locations = ["Location/a", "Location/b", "Location/c"];
    private static readonly string[] Lots = ["", "L1", "L2"];

    private static Arbitrary<Step[]> Steps() =>
        (from kind in Gen.Choose(0, 6)
         from item in Gen.Choose(0, Items.Length - 1)
         from from_ in Gen.Choose(0, Locations.Length - 1)
         from to in Gen.Choose(1, Locations.Length - 1)
         from lot in Gen.Choose(0, Lots.Length - 1)
         from quantity in Gen.Choose(1, 6)
         from day in Gen.Choose(1, 20)
         from target in Gen.Choose(0, 1000)
         select new Step(kind, item, from_, to, lot, quantity, day, target)).ArrayOf().ToArbitrary();

    [Property(MaxTest = 300)]
    public Property The_projection_always_equals_a_replay_of_the_ledger_and_never_goes_negative() => Prop.ForAll(Steps(), steps =>
    {
        var tx = new InMemoryStateTransaction();
        var ledger = new StockLedger(tx, PracticeCalendar.Utc);
        var accepted = new Dictionary<string, StockEvent>();
        var ids = new List<string>();
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            string id;
            StockEvent? next;
            if (step.Kind >= 5 && ids.Count > 0)
            {
                id = ids[step.Target % ids.Count];
                next = step.Kind == 5 ? null : Event(id, step with { Kind = step.Target % 4 }); // a deletion, or a correction to something else
            }
            else
            {
                id = $"e{i}";
                next = Event(id, step with { Kind = step.Kind % 5 });
            }

            var snapshot = tx.Snapshot();
            var wouldFit = Fits(tx, accepted, id, next);
            try
            {
                ledger.Replace(id, next);
                if (!wouldFit) return false.Label($"step {i}: accepted, but a replay with it goes below zero");
                if (next is null) accepted.Remove(id); else accepted[id] = next;
                if (!ids.Contains(id)) ids.Add(id);
            }
            catch (FhirError e) when (e.Status == System.Net.HttpStatusCode.Conflict)
            {
                tx.Restore(snapshot);
                if (wouldFit) return false.Label($"step {i}: refused ({e.Message}), but a replay with it stays at or above zero");
            }
            if (Inconsistency(tx, accepted) is { } problem) return false.Label($"after step {i}: {problem}");
        }
        return true.ToProperty();
    });

    private static StockEvent Event(string id, Step s)
    {
        var item = Items[s.Item];
        var lot = Lots[s.Lot];
        var from = Locations[s.From];
        var to = Locations[(s.From + s.To) % Locations.Length];
        var time = new DateTimeOffset(2025, 1, s.Day, 12, 0, 0, TimeSpan.Zero);
        StockLine Add(string location) => new(item, location, lot, s.Quantity);
        StockLine Take(string location) => new(item, location, lot, -s.Quantity);
        return s.Kind switch
        {
            0 or 4 => new StockEvent(id, Receipt, time, [Add(to)]),
            1 => new StockEvent(id, Consumption, time, [Take(from)], Patient: "Patient/p"),
            2 => new StockEvent(id, Transfer, time, [Take(from), Add(to)]),
            _ => new StockEvent(id, Adjustment, time, [s.Quantity % 2 == 0 ? Take(from) : Add(from)]),
        };
    }

    /// <summary>Whether the accepted events, with <paramref name="id"/> replaced, replay without a negative balance — in the ledger's order: time, then when recorded.</summary>
    private static bool Fits(InMemoryStateTransaction tx, Dictionary<string, StockEvent> accepted, string id, StockEvent? next)
    {
        var lines = LedgerLines(tx).Where(l => l.Event != id).Select(l => (l.Bucket, l.Ticks, l.Sequence, l.Q)).ToList();
        if (next is not null)
            lines.AddRange(next.Lines.Select(l => (StockKeys.Bucket(l.Item, l.Location, l.Lot), next.Time.UtcTicks, long.MaxValue, l.Quantity)));
        return lines.GroupBy(l => l.Bucket).All(bucket =>
        {
            var balance = 0m;
            foreach (var line in bucket.OrderBy(l => l.Ticks).ThenBy(l => l.Sequence))
                if ((balance += line.Q) < 0) return false;
            return true;
        });
    }

    private sealed record Line(string Bucket, long Ticks, long Sequence, decimal Q, decimal B, string Event);

    private static List<Line> LedgerLines(InMemoryStateTransaction tx) =>
        tx.All(StockKeys.Line).Select(e =>
        {
            var parts = StockKeys.Split(e.Key);
            var value = StateJson.Read<LineValue>(e.Value);
            return new Line(StockKeys.Join(parts[0], parts[1], parts[2]), value.T, long.MaxValue - long.Parse(parts[4]), value.Q, value.B, value.E);
        }).ToList();

    private static string? Inconsistency(InMemoryStateTransaction tx, Dictionary<string, StockEvent> accepted)
    {
        var lines = LedgerLines(tx);
        var expected = accepted.Values.SelectMany(e => e.Lines.Select(l => $"{e.Id} {StockKeys.Bucket(l.Item, l.Location, l.Lot)} {e.Time.UtcTicks} {l.Quantity}")).Order().ToList();
        var actual = lines.Select(l => $"{l.Event} {l.Bucket} {l.Ticks} {l.Q}").Order().ToList();
        if (!expected.SequenceEqual(actual)) return "the ledger does not hold exactly the accepted events";

        foreach (var bucket in lines.GroupBy(l => l.Bucket))
        {
            var balance = 0m;
            foreach (var line in bucket.OrderBy(l => l.Ticks).ThenBy(l => l.Sequence))
            {
                balance += line.Q;
                if (line.B != balance) return $"{bucket.Key}: running balance {line.B}, replay {balance}";
                if (balance < 0) return $"{bucket.Key}: negative balance {balance}";
            }
        }
        foreach (var onHand in tx.All(StockKeys.OnHand))
        {
            var replay = lines.Where(l => l.Bucket == onHand.Key).Sum(l => l.Q);
            var projected = StateJson.Read<OnHandValue>(onHand.Value).Q;
            if (projected != replay) return $"{onHand.Key}: on hand {projected}, replay {replay}";
        }
        if (lines.Select(l => l.Bucket).Distinct().FirstOrDefault(b => tx.ReadState(StockKeys.OnHand, b) is null) is { } missing)
            return $"{missing}: lines but no on-hand entry";
        return null;
    }
}
