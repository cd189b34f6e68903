using Functional.Data;
using Functional.Facade.Data;
using Functional.Facade.IO;
using Functional.Facade.Naming;
using Functional.Facade.Training;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Facade;

/// <summary>
/// A trained or freshly initialised classifier: a <see cref="Networks.Network"/> and its parameters, as an
/// immutable value. Methods that change it return a new model.
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: a model is immutable, and every member may be called from any number of threads at once, on
/// the same model or on different ones. Each call gives the bits a sequential call gives: the core's scratch
/// buffers are per thread and never outlive a call, its shared fork worker takes one caller's work at a time
/// (the others split theirs on the thread pool instead). Concurrent <see cref="Save"/> calls, even to
/// one path, each write the whole file atomically; the last rename wins.
/// </para>
/// </remarks>
public sealed class Model
{
    /// <summary>A model of <paramref name="network"/> with <paramref name="parameters"/> and <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentException">The parameters or the state do not fit the network; the message names the tensor.</exception>
    public Model(Network network, ParamTree<double> parameters, ParamTree<double> state)
    {
        Mlp.RequireFit(network, parameters, state);
        Network = network;
        Parameters = parameters;
        State = state;
    }

    /// <summary>
    /// A model of <paramref name="network"/> from its tensors as a file holds them: the parameters, and the state
    /// (BatchNorm's "mean1", "var1", …) if the network has any, told apart by what the layers declare.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors do not fit the network; the message names the tensor.</exception>
    public Model(Network network, ParamTree<double> tensors)
        : this(network, Mlp.Split(network, tensors))
    {
    }

    /// <summary>A model of <paramref name="network"/> with the given parameters and state.</summary>
    /// <exception cref="ArgumentException">The parameters or the state do not fit the network.</exception>
    public Model(Network network, NetworkValues<double> values)
        : this(network, (values ?? throw new ArgumentNullException(nameof(values))).Params, values.State)
    {
    }

    /// <summary>The architecture.</summary>
    public Network Network { get; }

    /// <summary>The trainable parameters, "W1", "b1", … (a user layer's "kind1.name").</summary>
    public ParamTree<double> Parameters { get; }

    /// <summary>The non-trainable state, BatchNorm's running statistics "mean1", "var1", …; empty for most networks.</summary>
    public ParamTree<double> State { get; }

    /// <summary>The parameters and the state in one tree, as <see cref="Save"/> writes them.</summary>
    public ParamTree<double> Tensors => Mlp.Merge(Parameters, State);

    /// <summary>A copy with other parameters of the same shapes, and the same state.</summary>
    public Model WithParameters(ParamTree<double> parameters) => new(Network, parameters, State);

    /// <summary>The class scores before softmax, [batch, classes].</summary>
    public Tensor<double> Scores(Tensor<double> x) => Mlp.Predict(Network, Parameters, State, x);

    /// <summary>The class probabilities, [batch, classes]; each row sums to 1.</summary>
    public Tensor<double> Probabilities(Tensor<double> x) => SoftmaxWithLoss.Softmax(Scores(x));

    /// <summary>The most likely class of each row of <paramref name="x"/> ([batch, features]).</summary>
    public int[] Predict(Tensor<double> x)
    {
        var scores = Scores(x);
        int batch = scores.Shape[0], classes = scores.Shape[1];
        var predicted = new int[batch];
        for (var i = 0; i < batch; i++)
        {
            var row = scores.Span.Slice(i * classes, classes);
            for (var j = 1; j < classes; j++)
            {
                if (row[j] > row[predicted[i]])
                {
                    predicted[i] = j;
                }
            }
        }
        return predicted;
    }

    /// <summary>The most likely class of each row.</summary>
    public int[] Predict(double[,] x) => Predict(Inputs.ToTensor(x));

    /// <summary>The most likely class of each row; rows must have equal length.</summary>
    public int[] Predict(double[][] x) => Predict(Inputs.ToTensor(x));

    /// <summary>The most likely class of each byte image (pixels scaled to [0, 1] as in training).</summary>
    public int[] Predict(byte[][] images) => Predict(Inputs.ToTensor(images));

    /// <summary>Mean loss and accuracy over a whole data set, evaluated in chunks of 1,000 samples.</summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public Evaluation Evaluate(ILabeledData data) => TrainingRun.Evaluate(Network, Parameters, State, data);

    /// <summary>Writes the model as safetensors (float64 tensors, the architecture in the metadata), atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, SafeTensors.Encode(Tensors, ModelMetadata.Of(Network)));

    /// <summary>Reads a model written by <see cref="Save"/> or by <c>train</c> (its params.safetensors).</summary>
    /// <param name="path">The safetensors file (F64, F32, F16 or BF16 tensors, the architecture in the metadata).</param>
    /// <param name="allowNonFinite">Load parameters holding NaN or ±∞ instead of refusing them.</param>
    /// <param name="registry">The user's layers the saved network may name (see <see cref="LayerRegistry"/>).</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid model, or (unless <paramref name="allowNonFinite"/>) a parameter is not finite; the
    /// message names the file and what is wrong.
    /// </exception>
    public static Model Load(string path, bool allowNonFinite = false, LayerRegistry? registry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found.", path);
        }
        var (parameters, metadata) = SafeTensors.Decode(File.ReadAllBytes(path), path);
        var network = ModelMetadata.Read(metadata, path, registry);
        Model model;
        try
        {
            model = new Model(network, parameters);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        if (!allowNonFinite)
        {
            SafeTensors.RequireFinite(parameters, path);
        }
        return model;
    }

    /// <summary>The architecture, e.g. <c>Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss</c>.</summary>
    public override string ToString() => Network.Describe();
}
