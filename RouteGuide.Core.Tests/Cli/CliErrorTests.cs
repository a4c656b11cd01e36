using System.Globalization;
using Grpc.Core;
using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

/// <summary>Every failure: one line on stderr naming the problem, no stack trace, exit code 1 (run time) or 2 (input).</summary>
public class CliErrorTests
{
    private ScratchDirectory _files = null!;

    [SetUp]
    public void CreateFiles() => _files = new ScratchDirectory();

    [TearDown]
    public void DeleteFiles() => _files.Dispose();

    private static string ClosedTarget => "http://127.0.0.1:" + CliRunner.ClosedPort().ToString(CultureInfo.InvariantCulture);

    [TestCase("--bogus")]
    [TestCase("record", "--target", "http://127.0.0.1:1", "--random", "3", "--bogus")]
    [TestCase("frobnicate")]
    public async Task An_unknown_option_or_command_is_a_usage_error(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        result.ShouldFailWith(ExitCodes.InputError, args[^1], "--help");
    }

    [TestCase("demo", "--points", "0")]
    [TestCase("demo", "--points", "many")]
    [TestCase("record", "--random", "3")]
    [TestCase("record", "--target", "127.0.0.1:50051", "--random", "3")]
    [TestCase("record", "--target", "http://127.0.0.1:1")]
    [TestCase("record", "--target", "http://127.0.0.1:1", "--random", "3", "--points", "x.json")]
    [TestCase("bench")]
    [TestCase("bench", "--in-process", "--target", "http://127.0.0.1:1")]
    [TestCase("bench", "--in-process", "--calls", "0")]
    [TestCase("bench", "--in-process", "--warmup", "-1")]
    [TestCase("serve", "--port", "70000")]
    [TestCase("serve", "--port", "1", "--urls", "http://127.0.0.1:2")]
    public async Task Bad_arguments_are_a_usage_error(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        result.ShouldFailWith(ExitCodes.InputError, "routeguide " + args[0] + ":");
    }

    [TestCase("--seed", "abc", "demo")]
    [TestCase("--points", "many", "demo")]
    [TestCase("--random", "1.5", "record", "--target", "http://127.0.0.1:1")]
    [TestCase("--seed", "x", "record", "--target", "http://127.0.0.1:1", "--random", "3")]
    [TestCase("--points", "1e6", "bench", "--in-process")]
    [TestCase("--calls", "two", "bench", "--in-process")]
    [TestCase("--warmup", "none", "bench", "--in-process")]
    [TestCase("--port", "http", "serve")]
    public async Task A_value_that_is_not_a_whole_number_is_a_usage_error_naming_the_option_and_the_value(string option, string value, params string[] command)
    {
        var result = await CliRunner.RunAsync([.. command, option, value]);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide {command[0]}: {option} must be a whole number, not '{value}'.");
        result.Error.Should().NotContain("System.", "the message names no .NET type");
    }

    [TestCase("--seed", "99999999999", "from -2147483648 to 2147483647", "demo")]
    [TestCase("--points", "3000000000", "from 1 to 2147483647", "bench", "--in-process")]
    [TestCase("--port", "70000", "from 0 to 65535", "serve")]
    [TestCase("--port", "-1", "from 0 to 65535", "serve")]
    [TestCase("--random", "0", "at least 1", "record", "--target", "http://127.0.0.1:1")]
    [TestCase("--max-connections", "0", "at least 1", "serve")]
    [TestCase("--max-streams-per-connection", "0", "at least 1", "serve")]
    [TestCase("--keepalive-delay", "-1", "at least 0", "serve")]
    [TestCase("--keepalive-timeout", "0", "at least 1", "serve")]
    public async Task A_whole_number_out_of_range_is_a_usage_error_naming_the_range(string option, string value, string range, params string[] command)
    {
        var result = await CliRunner.RunAsync([.. command, option, value]);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide {command[0]}: {option} must be {range}, not {value}.");
        result.Error.Should().NotContain("System.", "the message names no .NET type");
    }

    [Test]
    public async Task A_missing_points_file_is_an_input_error_naming_the_file()
    {
        var missing = Path.Combine(_files.Path, "missing.json");

        var result = await CliRunner.RunAsync("record", "--target", ClosedTarget, "--points", missing);

        result.ShouldFailWith(ExitCodes.InputError, missing);
    }

    [TestCase("""[{"latitude":1,"longitude":2},{"latitude":"north","longitude":2}]""", "entry 1")]
    [TestCase("""[{"latitude":1,"longitude":2},{"latitude":3,"longitude":4},{"latitude":5}]""", "entry 2")]
    [TestCase("""[{"latitude":1,"longitude":2}, null]""", "entry 1")]
    [TestCase("""[{"latitude":1,"longitude":2}""", "invalid JSON")]
    [TestCase("""{"latitude":1,"longitude":2}""", "expected an array of points")]
    [TestCase("[]", "empty")]
    public async Task A_malformed_points_file_is_an_input_error_naming_the_file_and_entry(string json, string mention)
    {
        var file = _files.Write("route.json", json);

        var result = await CliRunner.RunAsync("record", "--target", ClosedTarget, "--points", file);

        result.ShouldFailWith(ExitCodes.InputError, file, mention);
    }

    [TestCase("", "the file is empty; expected an array of points such as [{\"latitude\":407838351,\"longitude\":-746143763}].")]
    [TestCase("""{"latitude":1,"longitude":2}""", "expected an array of points such as [{\"latitude\":407838351,\"longitude\":-746143763}], found an object.")]
    [TestCase("""[{"latitude":"north","longitude":2}]""", "entry 0: latitude must be a whole number in E7 units (degrees × 10^7), found the string \"north\".")]
    [TestCase("""[{"latitude":1.5,"longitude":2}]""", "entry 0: latitude must be a whole number in E7 units (degrees × 10^7), found 1.5.")]
    [TestCase("""[{"latitude":99999999999,"longitude":2}]""", "entry 0: latitude is too large: 99999999999; coordinates are in E7 units (degrees × 10^7).")]
    [TestCase("""[{"latitude":1,"longitude":2},{"latitude":3}]""", "entry 1: longitude is missing.")]
    [TestCase("""[{"latitude":1,"longitude":2},{}]""", "entry 1: latitude and longitude are missing.")]
    [TestCase("""[{"latitude":1,"longitude":2}, 5]""", "entry 1: expected a point, an object such as {\"latitude\":407838351,\"longitude\":-746143763}, found 5.")]
    [TestCase("""[{"latitude":1,"longitude":2}""", "invalid JSON: the file ends before every array and object in it is closed.")]
    public async Task A_points_file_error_is_told_in_the_files_terms_not_dotnets(string json, string problem)
    {
        var file = _files.Write("route.json", json);

        var result = await CliRunner.RunAsync("record", "--target", ClosedTarget, "--points", file);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide record: points file {file}", problem);
        result.Error.Should().NotContain("System.").And.NotContain("Int32").And.NotContain("isFinalBlock").And.NotContain("$[");
    }

    [Test]
    public async Task A_points_path_that_is_a_directory_says_so()
    {
        var result = await CliRunner.RunAsync("record", "--target", ClosedTarget, "--points", _files.Path);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide record: the points file {_files.Path} is a directory; give the path of a .json file.");
    }

    [Test]
    public async Task A_catalog_path_that_is_a_directory_says_so()
    {
        var result = await CliRunner.RunAsync("serve", "--port", "0", "--catalog", _files.Path);

        result.ShouldFailWith(ExitCodes.InputError, $"Feature catalog {_files.Path}: is a directory, not a file");
    }

    [TestCase("routeguide: unknown command 'recrod'; did you mean 'record'? See 'routeguide --help'.", "recrod")]
    [TestCase("routeguide: unknown command 'recrod'; did you mean 'record'? See 'routeguide --help'.", "recrod", "--target", "http://127.0.0.1:1", "--random", "3")]
    [TestCase("routeguide: unknown command 'sevre'; did you mean 'serve'? See 'routeguide --help'.", "sevre", "--port", "5")]
    [TestCase("routeguide record: unknown option '--tagret'; did you mean '--target'? See 'routeguide record --help'.", "record", "--tagret", "http://127.0.0.1:1", "--random", "3")]
    [TestCase("routeguide bench: unknown option '--in-proces'; did you mean '--in-process'? See 'routeguide bench --help'.", "bench", "--in-proces")]
    [TestCase("routeguide: unknown command 'frobnicate'. See 'routeguide --help'.", "frobnicate")]
    public async Task A_misspelt_command_or_option_is_one_error_with_the_nearest_real_one(string line, params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        result.ShouldFailWith(ExitCodes.InputError);
        result.ErrorLines[0].Should().Be(line);
    }

    [TestCase(950_000_000, 0, "latitude is out of range")]
    [TestCase(0, -1_800_000_001, "longitude is out of range")]
    [TestCase(-900_000_001, 1_800_000_001, "latitude and longitude are both out of range")]
    public async Task An_out_of_range_point_in_a_file_is_an_input_error_naming_the_file_and_entry(int latitude, int longitude, string problem)
    {
        var file = _files.Write("route.json", $$"""[{"latitude":1,"longitude":2},{"latitude":{{latitude}},"longitude":{{longitude}}}]""");

        var result = await CliRunner.RunAsync("record", "--target", ClosedTarget, "--points", file);

        result.ShouldFailWith(ExitCodes.InputError, file, "entry 1", problem, latitude.ToString(CultureInfo.InvariantCulture));
    }

    [Test]
    public async Task An_unreachable_target_is_a_runtime_failure_naming_the_target()
    {
        var target = ClosedTarget;

        var result = await CliRunner.RunAsync("record", "--target", target, "--random", "3");

        result.ShouldFailWith(ExitCodes.Failure, "cannot reach the RouteGuide server at " + target);
    }

    [Test]
    public async Task Bench_against_an_unreachable_target_is_a_runtime_failure_naming_the_target()
    {
        var target = ClosedTarget;

        var result = await CliRunner.RunAsync("bench", "--target", target, "--points", "10", "--calls", "3");

        result.ShouldFailWith(ExitCodes.Failure, "cannot reach the RouteGuide server at " + target);
    }

    [TestCase("""[{"location":{"latitude":1,"longitude":2},"name":"A"},{"location":{"latitude":1},"name":"B"}]""", "entry 1")]
    [TestCase("""[{"location":{"latitude":1,"longitude":2},"name":"A"},{"location":{"latitude":1,"longitude":2},"name":"B"}]""", "entry 1")]
    [TestCase("not json", "invalid JSON")]
    public async Task A_bad_catalog_stops_serve_before_it_listens(string json, string mention)
    {
        var catalog = _files.Write("catalog.json", json);

        var result = await CliRunner.RunAsync("serve", "--port", "0", "--catalog", catalog);

        result.ShouldFailWith(ExitCodes.InputError, catalog, mention);
        result.Output.Should().NotContain("Listening on");
    }

    [Test]
    public async Task A_missing_catalog_stops_serve_naming_the_file()
    {
        var missing = Path.Combine(_files.Path, "nowhere.json");

        var result = await CliRunner.RunAsync("serve", "--port", "0", "--catalog", missing);

        result.ShouldFailWith(ExitCodes.InputError, missing);
    }

    [Test]
    public void A_point_the_server_rejects_with_InvalidArgument_is_an_input_error_with_the_servers_reason()
    {
        using var error = new StringWriter();
        var rejected = new RpcException(new Status(StatusCode.InvalidArgument, "latitude is out of range (latitude 950000000, longitude 0)."));

        var exitCode = Failures.Report(error, "record", rejected, new Uri("http://127.0.0.1:50051"));

        new CliResult(exitCode, string.Empty, error.ToString())
            .ShouldFailWith(ExitCodes.InputError, "routeguide record:", "http://127.0.0.1:50051 rejected the route", "latitude is out of range");
    }

    [Test]
    public void An_unexpected_exception_is_still_one_line_without_a_stack_trace()
    {
        using var error = new StringWriter();
        Exception thrown;
        try
        {
            throw new InvalidOperationException("first line\nsecond line");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var exitCode = Failures.Report(error, "demo", thrown);

        new CliResult(exitCode, string.Empty, error.ToString()).ShouldFailWith(ExitCodes.Failure, "first line second line");
    }
}
