namespace FhirPractice.LoadHarness;

/// <summary>
/// The times the scheduling load books: a worker books a time no booking of the run has taken yet, as a client books
/// one its <c>$find</c> just offered, so bookings/s measures the server rather than how often the harness asks for a
/// taken time; and a share of its requests (<c>racePercent</c>) go for the time another worker is booking at that
/// instant, so two bookings of one time race each other all through the run and exactly one of them may win.
/// </summary>
public sealed class BookableTimes(IReadOnlyList<(string Schedule, string Start, string End)> times, int workers, int racePercent)
{
    private readonly object _gate = new();
    // The times not booked yet, with each one's place in the list so that a booked one leaves it in O(1).
    private readonly List<int> _free = Enumerable.Range(0, times.Count).ToList();
    private readonly int[] _placeOf = Enumerable.Range(0, times.Count).ToArray();
    private readonly int[] _inFlight = Enumerable.Repeat(-1, workers).ToArray();
    private int _races;

    /// <summary>Requests that went for another worker's time while it was being booked.</summary>
    public int Races => Volatile.Read(ref _races);

    /// <summary>Any time of the grid, booked or not (the bare baseline's writes take no time).</summary>
    public (string Schedule, string Start, string End) Any(Random random) => times[random.Next(times.Count)];

    /// <summary>The time this worker books next; it stays the worker's, for others to race, until <see cref="Answered"/>.</summary>
    public (int Time, (string Schedule, string Start, string End) Value) Next(Random random, int worker)
    {
        lock (_gate)
        {
            var time = -1;
            if (random.Next(100) < racePercent)
            {
                var other = (worker + 1 + random.Next(workers - 1)) % workers;
                if (workers > 1 && _inFlight[other] >= 0) { time = _inFlight[other]; _races++; }
            }
            if (time < 0)
            {
                if (_free.Count == 0) throw new InvalidOperationException($"every one of the {times.Count} times is booked: give the run more --book-days");
                time = _free[random.Next(_free.Count)];
            }
            _inFlight[worker] = time;
            return (time, times[time]);
        }
    }

    /// <summary>The worker's request for the time was answered; a booking takes the time out of the free ones.</summary>
    public void Answered(int worker, int time, bool booked)
    {
        lock (_gate)
        {
            _inFlight[worker] = -1;
            var place = _placeOf[time];
            if (!booked || place < 0) return;
            var last = _free[^1];
            _free[place] = last;
            _placeOf[last] = place;
            _free.RemoveAt(_free.Count - 1);
            _placeOf[time] = -1;
        }
    }
}
