namespace RouteGuide.Core.Testing.Internal;

/// <summary>The calls one test host's server finished, in the order they finished; safe for many threads.</summary>
internal sealed class CallLog
{
    private readonly object _gate = new();
    private readonly List<ObservedCall> _calls = [];

    public void Add(ObservedCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    public IReadOnlyList<ObservedCall> Snapshot()
    {
        lock (_gate)
        {
            return _calls.ToArray();
        }
    }
}
